"""Booking pages, one module per audience: `checkout` (book, pay, confirmation),
`student` (My bookings, receipt, cancel), `school` (rosters, attendance,
bank transfers, cancellations) and `waitlist`."""
