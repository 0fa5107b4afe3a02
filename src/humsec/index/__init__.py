"""humsec.index"""
