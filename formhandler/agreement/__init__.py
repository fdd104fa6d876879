"""The partner agreement: a PDF made for one organisation at `stukken_verstuurd`, and the signed copy back."""
