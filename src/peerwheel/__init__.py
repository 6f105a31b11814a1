"""Peerwheel: spread AI use through an organisation the way it really spreads, through peers."""

__version__ = "0.1.0"
