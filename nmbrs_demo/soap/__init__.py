"""The SOAP demo's projection of the world."""
