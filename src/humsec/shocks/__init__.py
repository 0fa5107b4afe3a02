"""humsec.shocks"""
