// Inference core.
