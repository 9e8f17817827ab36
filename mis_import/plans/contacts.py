"""Planning a contacts file: parents and carers matched on MIS id, and their links to pupils."""

from __future__ import annotations

import datetime
from typing import Any

from mis_import.plans.common import (
    BATCH_SIZE,
    Plan,
    PupilIndex,
    Seen,
    bulk_create_write,
    bulk_update_write,
    diff,
)
from mis_import.reader import ParsedFile, Row
from organisations.models import Organisation
from people.models import Contact, Pupil, PupilContact

# --- Parents and carers ------------------------------------------------------------------------

_CONTACT_FIELDS = ("title", "first_name", "last_name", "email", "phone", "mobile", "address")
_LINK_DEFAULTS = {
    "relationship": "other",
    "has_parental_responsibility": True,
    "priority": 1,
    "lives_with_pupil": True,
    "no_contact": False,
}


class _ContactsPlanner:
    """Plans a contacts file row by row: the contact each row names (new, changed or as it is; one person's details
    agree on every row) and its link to the row's pupil."""

    def __init__(self, organisation: Organisation, parsed: ParsedFile) -> None:
        self.organisation, self.parsed = organisation, parsed
        self.plan = Plan(noun="contacts")
        self.index = PupilIndex(organisation)
        self.contacts = {
            c.mis_id: c for c in Contact.objects.filter(organisation=organisation).exclude(mis_id="")
        }
        self.links = {
            (link.pupil_id, link.contact_id): link
            for link in PupilContact.objects.filter(pupil__organisation=organisation)
        }
        self.present = set(parsed.columns)
        self.details_seen: dict[str, tuple[int, dict[str, Any]]] = {}
        self.seen_pair = Seen()
        self.contact_state: dict[str, str] = {}  # mis id -> new / updated / unchanged
        self.new_contacts: dict[str, Contact] = {}
        self.updated_contacts: list[Contact] = []
        self.contact_fields: set[str] = set()
        self.new_links: list[tuple[Pupil, str, dict[str, Any]]] = []
        self.updated_links: list[PupilContact] = []
        self.link_fields: set[str] = set()
        self.unchanged_links = 0

    def row(self, row: Row) -> None:
        plan, parsed, v = self.plan, self.parsed, row.values
        pupil = self.index.find(plan, row, parsed, "pupil_upn", "pupil_mis_id")
        mis = v["mis_id"]
        details = {name: v.get(name, "") for name in _CONTACT_FIELDS if name in self.present}
        if not self._same_details(row, mis, details) or pupil is None:
            return
        if first := self.seen_pair.clash((pupil.pk, mis), row.line):
            plan.fail(
                row,
                parsed.columns["mis_id"],
                f"Contact {mis} and pupil {pupil.display_name} are on line {first} "
                f"and line {row.line}: list each contact once per pupil.",
            )
            return
        if mis not in self.contact_state:
            self._contact(mis, details)
        self._link(pupil, mis, {name: v.get(name, default) for name, default in _LINK_DEFAULTS.items()})

    def _same_details(self, row: Row, mis: str, details: dict[str, Any]) -> bool:
        """One person's details must agree on every row that names them."""
        if mis not in self.details_seen:
            self.details_seen[mis] = (row.line, details)
            return True
        first_seen, earlier = self.details_seen[mis]
        different = [self.parsed.columns[k] for k in details if details[k] != earlier[k]]
        if different:
            self.plan.fail(
                row,
                different[0],
                f"Contact {mis} has different {', '.join(different)} on line {first_seen} and "
                f"line {row.line}: one person's details must agree on every row.",
            )
            return False
        return True

    def _contact(self, mis: str, details: dict[str, Any]) -> None:
        contact = self.contacts.get(mis)
        if contact is None:
            self.new_contacts[mis] = Contact(organisation=self.organisation, mis_id=mis, **details)
            self.contact_state[mis] = "new"
            return
        changed = diff(contact, details)
        self.contact_fields.update(changed)
        self.contact_state[mis] = "updated" if changed else "unchanged"
        if changed:
            self.updated_contacts.append(contact)

    def _link(self, pupil: Pupil, mis: str, link_values: dict[str, Any]) -> None:
        contact = self.contacts.get(mis)
        link = self.links.get((pupil.pk, contact.pk)) if contact is not None else None
        if link is None:
            self.new_links.append((pupil, mis, link_values))
            return
        changed = diff(link, link_values)
        self.link_fields.update(changed)
        if changed:
            self.updated_links.append(link)
        else:
            self.unchanged_links += 1

    def finish(self) -> Plan:
        """The counts and the writes."""
        plan, organisation = self.plan, self.organisation
        states = list(self.contact_state.values())
        plan.new, plan.updated, plan.unchanged = (
            states.count("new"),
            states.count("updated"),
            states.count("unchanged"),
        )
        plan.details = {
            "links to pupils added": len(self.new_links),
            "links to pupils updated": len(self.updated_links),
            "links to pupils unchanged": self.unchanged_links,
        }
        contacts, new_contacts, new_links = self.contacts, self.new_contacts, self.new_links

        def write_links() -> None:
            every = {**contacts, **new_contacts}
            PupilContact.objects.bulk_create(
                [
                    PupilContact(organisation=organisation, pupil=p, contact=every[m], **values)
                    for p, m, values in new_links
                ],
                batch_size=BATCH_SIZE,
            )

        plan.writes += [
            bulk_create_write(Contact, list(self.new_contacts.values())),
            bulk_update_write(Contact, self.updated_contacts, self.contact_fields),
            bulk_update_write(PupilContact, self.updated_links, self.link_fields),
            write_links,
        ]
        return plan


def plan_contacts(organisation: Organisation, parsed: ParsedFile, today: datetime.date) -> Plan:
    planner = _ContactsPlanner(organisation, parsed)
    for row in parsed.rows:
        planner.row(row)
    return planner.finish()
