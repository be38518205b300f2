"""What the CRMs accept and how journeyc pipelines map to them: shared by rules, emitters, readers and diff."""
