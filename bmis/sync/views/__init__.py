"""Views of the sync app: the endpoints posts' nodes call (exchange), and headquarters' page of
the network of posts (network)."""
