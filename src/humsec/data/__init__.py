"""humsec.data"""
