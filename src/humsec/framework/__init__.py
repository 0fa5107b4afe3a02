"""humsec.framework"""
