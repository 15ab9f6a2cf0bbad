"""The federation's writers: the node's outbox and sender, the hub's intake (decision 0020)."""
