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
from mis_import.reader import ParsedFile
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


def plan_contacts(organisation: Organisation, parsed: ParsedFile, today: datetime.date) -> Plan:
    plan = Plan(noun="contacts")
    index = PupilIndex(organisation)
    contacts = {c.mis_id: c for c in Contact.objects.filter(organisation=organisation).exclude(mis_id="")}
    links = {
        (link.pupil_id, link.contact_id): link
        for link in PupilContact.objects.filter(pupil__organisation=organisation)
    }
    present = set(parsed.columns)
    details_seen: dict[str, tuple[int, dict[str, Any]]] = {}
    seen_pair = Seen()
    contact_state: dict[str, str] = {}  # mis id -> new / updated / unchanged
    new_contacts: dict[str, Contact] = {}
    updated_contacts: list[Contact] = []
    contact_fields: set[str] = set()
    new_links: list[tuple[Pupil, str, dict[str, Any]]] = []
    updated_links: list[PupilContact] = []
    link_fields: set[str] = set()
    unchanged_links = 0
    for row in parsed.rows:
        v = row.values
        pupil = index.find(plan, row, parsed, "pupil_upn", "pupil_mis_id")
        mis = v["mis_id"]
        details = {name: v.get(name, "") for name in _CONTACT_FIELDS if name in present}
        if mis in details_seen:
            first_seen, earlier = details_seen[mis]
            different = [parsed.columns[k] for k in details if details[k] != earlier[k]]
            if different:
                plan.fail(
                    row,
                    different[0],
                    f"Contact {mis} has different {', '.join(different)} on line {first_seen} and "
                    f"line {row.line}: one person's details must agree on every row.",
                )
                continue
        else:
            details_seen[mis] = (row.line, details)
        if pupil is None:
            continue
        if first := seen_pair.clash((pupil.pk, mis), row.line):
            plan.fail(
                row,
                parsed.columns["mis_id"],
                f"Contact {mis} and pupil {pupil.display_name} are on line {first} "
                f"and line {row.line}: list each contact once per pupil.",
            )
            continue
        if mis not in contact_state:
            contact = contacts.get(mis)
            if contact is None:
                new_contacts[mis] = Contact(organisation=organisation, mis_id=mis, **details)
                contact_state[mis] = "new"
            else:
                changed = diff(contact, details)
                contact_fields.update(changed)
                contact_state[mis] = "updated" if changed else "unchanged"
                if changed:
                    updated_contacts.append(contact)
        link_values = {name: v.get(name, default) for name, default in _LINK_DEFAULTS.items()}
        contact = contacts.get(mis)
        link = links.get((pupil.pk, contact.pk)) if contact is not None else None
        if link is None:
            new_links.append((pupil, mis, link_values))
        else:
            changed = diff(link, link_values)
            link_fields.update(changed)
            if changed:
                updated_links.append(link)
            else:
                unchanged_links += 1
    states = list(contact_state.values())
    plan.new, plan.updated, plan.unchanged = (
        states.count("new"),
        states.count("updated"),
        states.count("unchanged"),
    )
    plan.details = {
        "links to pupils added": len(new_links),
        "links to pupils updated": len(updated_links),
        "links to pupils unchanged": unchanged_links,
    }

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
        bulk_create_write(Contact, list(new_contacts.values())),
        bulk_update_write(Contact, updated_contacts, contact_fields),
        bulk_update_write(PupilContact, updated_links, link_fields),
        write_links,
    ]
    return plan
