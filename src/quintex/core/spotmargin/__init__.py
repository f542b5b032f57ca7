"""Spot margin (instType MARGIN): positions on borrowed funds (`position`), the product that opens and trades
them back (`product`), interest (`interest`) and their figures at the mark (`risk`)."""
