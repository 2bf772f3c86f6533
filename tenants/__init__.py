"""Public-schema apps of the groupement: communes, their domains and routing."""
