"""humsec.deprivation"""
