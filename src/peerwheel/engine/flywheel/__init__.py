"""The flywheel math: who brought whom, Flywheel R, natural champions, critical mass, forecast."""
