"""archproof."""
