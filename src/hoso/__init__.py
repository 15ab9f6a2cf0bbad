"""hoso: electronic personnel dossiers of Vietnam's cadres, civil servants and public employees."""

__version__ = "0.1.0"
