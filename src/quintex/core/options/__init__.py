"""Options: the Black-76 model (`black76`), the volatility surface of a family (`surface`), and the exact
quote the exchange publishes from them (`quote`: marks rounded to the tick in coin, greeks in both of OKX's
conventions). Floats live only inside the model; everything that leaves this package is Decimal."""
