"""Booking writes, one module per part of the lifecycle:

- `holds`: the seat counter, the state machine's `transition`, holds and their expiry;
- `checkout`: paying for a hold and the payment outcomes (confirm, fail);
- `cancellation`: cancelling by students and schools, refunds by policy;
- `roster`: attendance and completion, run by the school;
- `waitlist`: joining, offers and their expiry.

Import from the module that owns a function, e.g.
`from coursemarket.bookings.services.holds import booking_hold`.
"""
