"""medborgarbot: a chat bot for a municipality's and the police's medborgarlöfte."""

__version__ = "0.1.0"
