"""Risk: what orders need and the largest orders an account can place, one module per kind of instrument
(each product's `reserve`, `max_size` and `max_avail_size` call it; the max-size endpoints reach it through
`Engine.max_size`)."""
