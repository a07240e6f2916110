"""The Matrix transport: matrix-nio with end-to-end encryption, exactly-once replies."""
