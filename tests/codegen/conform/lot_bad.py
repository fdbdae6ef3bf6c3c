"""A parking lot that drifted from the design: park returns a str, free_spots is gone."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from parking_lot.errors import LotFull, TicketNotPaid
from parking_lot.models import (
    ClosedTicket,
    IssuedTicket,
    PaidTicket,
    SpotId,
    SpotSize,
    Ticket,
    TicketId,
    Vehicle,
    ticket_to_closed,
    ticket_to_paid,
)


class InMemoryParkingLot:
    def __init__(self, spots: dict[SpotId, SpotSize]) -> None:
        self._free = dict(spots)
        self._tickets: dict[TicketId, Ticket] = {}

    def park(self, vehicle: Vehicle) -> str:
        spot = next((s for s, size in self._free.items() if size is vehicle.size), None)
        if spot is None:
            raise LotFull(vehicle.plate)
        del self._free[spot]
        ticket = IssuedTicket(
            id=TicketId(len(self._tickets) + 1),
            spot_id=spot,
            plate=vehicle.plate,
            issued_at=datetime.now(UTC),
        )
        self._tickets[ticket.id] = ticket
        return ticket.plate

    def pay(self, ticket_id: TicketId, *, fee: Decimal) -> PaidTicket:
        ticket = self._tickets[ticket_id]
        if not isinstance(ticket, IssuedTicket):
            raise TicketNotPaid(ticket_id)
        paid = ticket_to_paid(ticket, paid_at=datetime.now(UTC), fee=fee)
        self._tickets[ticket_id] = paid
        return paid

    def leave(self, ticket_id: TicketId) -> ClosedTicket:
        ticket = self._tickets[ticket_id]
        if not isinstance(ticket, PaidTicket):
            raise TicketNotPaid(ticket_id)
        closed = ticket_to_closed(ticket)
        self._tickets[ticket_id] = closed
        return closed
