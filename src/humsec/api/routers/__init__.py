"""The service's resources, one router per resource family, mounted under ``/api/v1``."""
