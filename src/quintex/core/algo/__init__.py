"""Algo orders: orders the exchange places for a user when a price reaches a trigger.

`orders` is the live algo order, `triggers` the sorted trigger prices of each instrument and price
type, `book` what the state holds of them, `checks` the rules of a new or amended one, `build` the algo
orders made from commands and attached TP/SL and the orders they place, `algos` the handlers (place,
cancel, amend, and what happens after every command) and `plain` their snapshot form.
"""
