"""The simulated market: index prices, liquidity agents as pure policies, and their driver and controls."""
