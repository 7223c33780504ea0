"""The commands behind `unship add|list|show|mark|actions|due|undo|import|export`, and
their output (aligned tables, or JSON). Each takes the open book and the parsed arguments and
returns the exit status; unship/cli.py parses and dispatches."""

from __future__ import annotations

import re
import sys

from unship.cli_errors import EXIT_NONE_DUE, EXIT_OK, CliError
from unship.cli_output import json_text, print_json, print_table, print_wrapped, shorten

# -- commands ----------------------------------------------------------------------------


def cmd_add(book, args) -> int:
    from unship.store import (
        ItemFields,
        OrderFields,
        changes,
        default_currency,
        fields_from_quick,
        quick_problems,
        typed_currency,
    )

    fields = OrderFields(ordered_on="today", currency="")
    if args.line:
        quick = changes.read_quick(book, quick_line(args.line))
        if problems := [
            p for p in quick_problems(quick, book.today, book.day_first) if "no price" not in p
        ]:
            raise CliError("; ".join(problems))
        fields = fields_from_quick(quick, currency="")
        if quick.price is not None and quick.currency:
            fields.items[0].price = f"{quick.price} {quick.currency}"
    titles = list(args.item) if args.item else [row.title for row in fields.items]
    prices = list(args.price) if args.price else [row.price for row in fields.items if row.price]
    retailer = args.retailer or fields.retailer
    number = args.order_number or fields.order_number
    missing = [
        name
        for name, value in (
            ("--retailer", retailer),
            ("--order-number", number),
            ("--item", titles),
            ("--price", prices),
        )
        if not value
    ]
    if missing:
        raise CliError(f"add needs {', '.join(missing)} (or a quick-add LINE)")
    if len(titles) != len(prices):
        raise CliError(f"{len(titles)} --item but {len(prices)} --price: give one price per item")
    quantities, categories = args.quantity or [], args.category or []
    items = [
        ItemFields(
            title=title,
            price=price,
            quantity=quantities[n] if n < len(quantities) else "1",
            category=categories[n] if n < len(categories) else "",
        )
        for n, (title, price) in enumerate(zip(titles, prices, strict=True))
    ]
    fields.retailer, fields.order_number, fields.items = retailer, number, items
    # as the form and quick add: the one typed with a price (a bare "$": the usual one's
    # dollars), else the usual one: that of the site the retailer's name names ('Amazon.ca')
    # or whose rules apply, else the book's usual one
    usual = book.policies.currency_of(retailer) or default_currency(book.orders())
    fields.currency = args.currency or typed_currency(items, usual) or usual
    if args.ordered:
        fields.ordered_on = args.ordered
    fields.carrier = args.carrier or fields.carrier
    fields.tracking = args.tracking or fields.tracking
    fields.notes, fields.seller = args.notes, args.seller
    fields.seller_window = args.seller_window or ""
    try:
        saved = changes.add_order(book, fields)
    except changes.FieldError as error:
        refused = (_flag_error(key, message, items) for key, message in error.errors.items())
        raise CliError("; ".join(refused)) from None
    for warning in order_warnings(book, saved):
        print(f"unship: warning: {warning}", file=sys.stderr)
    print(saved.id)
    return EXIT_OK


# `edit`'s options: the form's field each one sets.
_EDITED = {
    "retailer": "retailer",
    "order_number": "order_number",
    "ordered": "ordered_on",
    "currency": "currency",
    "seller": "seller",
    "seller_window": "seller_window",
    "carrier": "carrier",
    "tracking": "tracking",
    "notes": "notes",
}


def cmd_edit(book, args) -> int:
    from dataclasses import replace

    from unship.store import OrderFields, changes

    order = book.find(args.id)
    given = {field: getattr(args, name) for name, field in _EDITED.items()}
    given = {field: value for field, value in given.items() if value is not None}
    if not given:
        options = ", ".join("--" + name.replace("_", "-") for name in _EDITED)
        raise CliError(f"edit needs what to change: {options}")
    fields = replace(OrderFields.from_order(order, book.policies), **given)
    try:
        saved, what = changes.save_edit(book, order, fields)
    except changes.FieldError as error:
        refused = (
            _flag_error(key, message, fields.items, item_flags=False)
            for key, message in error.errors.items()
        )
        raise CliError("; ".join(refused)) from None
    for warning in order_warnings(book, saved):
        print(f"unship: warning: {warning}", file=sys.stderr)
    print(f"{saved.id}\t{'changed ' + ', '.join(what) if what else 'nothing changed'}")
    return EXIT_OK


_FLAGS = {
    "retailer": "--retailer",
    "order_number": "--order-number",
    "ordered_on": "--ordered",
    "currency": "--currency",
    "seller_window": "--seller-window",
    "items": "--item",
}


def _flag_error(key: str, message: str, items, *, item_flags: bool = True) -> str:
    """A refused field named as the flag that set it: 'item 2 ('Mug') --price: ...' (without
    `item_flags`, for `edit`, which has none: 'item 2 ('Mug') price: ...')."""
    from unship.store import clean_line

    if key.startswith("item-"):
        _, row, part = key.split("-")
        title = clean_line(items[int(row)].title, limit=40)
        named = f" ({title!r})" if title else ""
        return f"item {int(row) + 1}{named} {'--' if item_flags else ''}{part}: {message}"
    return f"{_FLAGS.get(key, key)}: {message}"


def quick_line(words: list[str]) -> str:
    """The quick-add line, typed in quotes (one word) or as words: then a word that held
    spaces (a title the shell unquoted) is quoted again, so it stays one title. An option
    inside the line would be read as part of the title: refused."""
    if len(words) == 1:
        line = words[0]
    else:
        line = " ".join(f'"{w}"' if len(w.split()) > 1 and '"' not in w else w for w in words)
    if found := re.search(r"(?<!\S)--[a-z][a-z-]*", line):
        option = found.group()
        raise CliError(
            f"{option} is inside the quick-add line: put it after the line "
            f"(unship add 'amazon 113-1234567-1234567 cable 12.99' {option} ...)"
        )
    return line


def order_warnings(book, order) -> list[str]:
    """Things that look wrong but may be right: said, never refused."""
    from unship.store import order_warnings as warnings_for

    return warnings_for(book.policies, order, book.orders())


# `list` on a terminal: the order number goes first; then the deadline takes its shorter
# forms ('return 14 Jan · 47d left', at the least 'return · 47d left'), then the title gives
# way (columns: {index: (comfortable, fewest)}, as print_table takes them).
LIST_FLEX = {6: (25, 18), 3: (24, 10)}


def cmd_list(book, args) -> int:
    from unship.store import (
        ARCHIVE_AFTER_DAYS,
        State,
        archive_cutoff,
        archived,
        last_active,
        order_row,
    )

    version = book.version() if args.json else None  # the file the output is kept for
    orders = book.orders()
    pairs = zip(orders, book.facts_of(orders), strict=True)
    if args.state:  # as the list shows the items: a parcel long overdue counts as delivered
        wanted = State(args.state)
        pairs = [(o, f) for o, f in pairs if wanted in f.states]
    pairs = list(pairs)
    left_out = 0
    if not args.all:  # the archive, as the app keeps it out of its main views
        cutoff = archive_cutoff(book.today)
        kept = [
            (o, f)
            for o, f in pairs
            if archived(f.done, bool(f.deadlines), f.needs_action, last_active(o), cutoff)
            is args.archived
        ]
        left_out, pairs = len(pairs) - len(kept), kept
    if args.json:
        printed = _print_json([order_row(book, o, facts=f) for o, f in pairs])
        if printed is not None and version is not None and book.version() == version:
            from unship.store import keep_output

            keep_output(book.storage.path, version, book.today, list_options(args), printed)
        return EXIT_OK
    if not pairs:
        what = f" with an item {args.state}" if args.state else ""
        where = " in the archive" if args.archived else ""
        recent = left_out and not args.archived
        print(f"No open or recent orders{what}." if recent else f"No orders{what}{where}.")
    else:
        _list_table(book, pairs)
    if left_out and not args.archived:  # after the table, not in it: a pipe gets rows only
        noun = "order is" if left_out == 1 else "orders are"
        print(
            f"{left_out:,} settled {noun} in the archive (quiet for {ARCHIVE_AFTER_DAYS} days): "
            "`unship list --all` lists them too",
            file=sys.stderr,
        )
    return EXIT_OK


def list_options(args) -> str:
    """The options that shape `list --json`'s output: its kept copy is for these alone."""
    return f"all={args.all} archived={args.archived} state={args.state or ''}"


def title_cell(title: str, more: int):
    """The list's title cell: shortened on a terminal, an order's first title gives way and
    its ' +2' (two items more) stays, as in the app's rows."""
    if more < 1:
        return title
    suffix = f" +{more}"
    first = title.removesuffix(suffix)
    return title, lambda width: shorten(first, max(1, width - len(suffix))) + suffix


def _list_table(book, pairs) -> None:
    from functools import partial

    from unship.store import next_text, order_row

    rows = [order_row(book, o, facts=f) for o, f in pairs]
    _print_table(
        ["ID", "RETAILER", "ORDER", "TITLE", "TOTAL", "STATE", "NEXT DEADLINE"],
        [
            [
                str(r.id),
                r.retailer,
                r.order_number,
                title_cell(r.title, len(o.items) - 1),
                r.total,
                r.state,
                (r.next_deadline_text, partial(next_text, f, book.today))
                if r.next_deadline_text
                else "-",
            ]
            for r, (o, f) in zip(rows, pairs, strict=True)
        ],
        right={0, 4},
        flex=LIST_FLEX,
        optional={2},
    )


def cmd_show(book, args) -> int:
    from unship.store import EVENT_WORDS, State, order_detail

    order = book.find(args.id)
    detail = order_detail(book, order)
    if args.json:
        _print_json(detail)
        return EXIT_OK
    print(f"{detail['retailer']} order {detail['order_number']}  (id {detail['id']})")
    print(f"  ordered {detail['ordered_on']}  ·  {detail['total']}  ·  {detail['state']}")
    if detail["carrier"] or detail["tracking"]:
        print(f"  {detail['carrier'] or 'carrier?'} {detail['tracking']}")
    if detail["order_link"]:
        print(f"  {detail['order_link']}")
    print("Items:")
    now = book.facts(order).states  # each item's state with estimates applied
    for n, item in enumerate(detail["items"], 1):
        delivery = item["delivery"]
        state = State(item["state"]).label
        if now[n - 1] is State.DELIVERED and item["state"] != State.DELIVERED:
            state = "delivered (estimated)"  # as the order's state says, and the app
        print(
            f"  {n}. {item['title']}  ×{item['quantity']}  {item['price_text']}  "
            f"[{item['category']}]  {state}"
        )
        if "refunded" in item:
            short = f" · {item['short_text']}" if item["short"] else ""
            print(f"     refunded {item['refunded_text']}{short}")
        if item["return_tracking"]:
            print(f"     return tracking {item['return_tracking']}")
        if delivery and delivery["estimated"]:
            print(
                f"     {delivery['text']} (estimated: {delivery['from']}; "
                f"record the delivery date to make it exact)"
            )
    print("History:")
    for entry in detail["history"]:
        which = f" (items {', '.join(map(str, entry['items']))})" if entry.get("items") else ""
        note = f" - {entry['note']}" if entry.get("note") else ""
        event = EVENT_WORDS.get(entry["event"], entry["event"])
        print_wrapped(f"{event}{which}{note}", f"  {entry['on']}  ")
    if detail["notes"]:
        print("Notes:")
        for line in detail["notes"].splitlines():
            print(f"  {line}")
    print("Actions:")
    _print_actions(detail["actions"], item_count=len(detail["items"]))
    return EXIT_OK


def cmd_mark(book, args) -> int:
    from unship.store import changes, day_text, estimates

    items = [n - 1 for n in args.item] if args.item else None
    note = args.note
    before = book.find(args.id)
    try:
        on = changes.event_day(book, args.on, before.ordered_on) if args.on else None
    except changes.FieldError as error:
        raise CliError(f"--on: {error}") from None
    if args.event == "picked-up":  # the parcel at a pickup point: the whole order
        if items or args.amount is not None or args.tracking:
            raise CliError("picked-up is the order's parcel: no --item, --amount or --tracking")
        order = changes.record_pickup(book, before.id, on, note=note)
        print(f"{order.id}\t{book.facts(order).state_text}\tpicked up")
        return EXIT_OK
    if args.event == "delivered":
        if on is None and (guess := estimates.delivery_default(before, items)) is not None:
            on = guess
            note = note or "on the estimated day"
            print(
                f"recorded on the estimated day {guess.isoformat()}; "
                "give --on DATE for the real one",
                file=sys.stderr,
            )
        doubt = estimates.delivery_warning(
            before, items, on or book.today, lambda d: day_text(d, book.today)
        )
        if doubt:
            print(f"warning: {doubt}", file=sys.stderr)
    if args.amount is not None and args.event != "refunded":
        raise CliError("--amount goes with refunded")
    if args.tracking and args.event != "return-shipped":
        raise CliError("--tracking goes with return-shipped")
    try:
        order = changes.record_event(
            book,
            args.id,
            args.event,
            on,
            items=items,
            note=note,
            refunded=args.amount,
            return_tracking=args.tracking or "",
        )
    except changes.FieldError as error:
        raise CliError(f"--amount: {error}") from None
    print(f"{order.id}\t{book.facts(order).state_text}")
    return EXIT_OK


def cmd_actions(book, args) -> int:
    order = book.find(args.id)
    actions = [a.to_json(order) for a in book.actions(order)]
    if args.json:
        _print_json(actions)
    else:
        _print_actions(actions, item_count=len(order.items))
    return EXIT_OK


def cmd_due(book, args) -> int:
    return print_due(book.due(args.days), book.today, args)


def print_due(due, today, args) -> int:
    """`due`'s output, from the book's `due()` or the same from the kept facts (kept_due)."""
    from unship.store import day_text, days_left_text

    if args.json:
        _print_json(
            [
                {
                    "id": order.id,
                    "retailer": order.retailer,
                    "order_number": order.order_number,
                    "title": order.short_title,
                    "action": d.action,
                    "label": d.label,
                    "deadline": d.day,
                    "days_left": d.days_left(today),
                    "overdue": d.overdue or d.day < today,
                    "estimated": d.estimated,
                    "reason": d.reason,
                }
                for order, d in due
            ]
        )
    elif due:
        _print_table(
            ["DEADLINE", "LEFT", "ID", "ORDER", "WHAT", "TITLE"],
            [
                [
                    ("~" if d.estimated else "") + day_text(d.day, today),
                    days_left_text(d.day, today),
                    str(order.id),
                    order.order_number,
                    d.label,
                    order.short_title,
                ]
                for order, d in due
            ],
            right={2},
            flex={5: (24, 10)},
            optional={3},
        )
    elif args.days == 0:
        print("Nothing due today.")
    else:
        print(f"Nothing due in the next {args.days} day{'s' if args.days != 1 else ''}.")
    return EXIT_OK if due else EXIT_NONE_DUE


def cmd_delete(book, args) -> int:
    from unship.store import changes, terminal_safe

    deleted = changes.delete_orders(book, args.ids)
    for order in deleted:
        print(terminal_safe(f"deleted {order.id}\t{order.retailer} {order.order_number}"))
    print(
        "(`unship undo` brings them back)"
        if len(deleted) > 1
        else "(`unship undo` brings it back)",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_undo(book, args) -> int:
    from unship.store import changes

    print(f"undone: {changes.undo(book)}")
    return EXIT_OK


def cmd_redo(book, args) -> int:
    from unship.store import changes

    print(f"redone: {changes.redo(book)}")
    return EXIT_OK


def cmd_import(book, args) -> int:
    from unship.store import changes, importers

    if args.format == "mail" or args.more or args.add:
        return cmd_import_mail(book, args)
    if args.format is None and importers._is_mail(args.file):
        return cmd_import_mail(book, args)
    result = importers.plan(book, args.file, format=args.format)
    counts = result.counts
    print(f"{args.file.name} ({result.format}): {result.rows} rows")
    print("  " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    for rejected in result.rejected:
        print(f"  rejected {rejected}")
    if result.unknown_columns:
        print(f"  unknown columns (ignored): {', '.join(result.unknown_columns)}")
    for note in result.notes:
        print(f"  note: {note}")
    if result.has_changes:
        print(f"  {result.outlook(book).text()}")
    if result.rejected and not args.partial:
        rows = f"{counts['rejected']} row{'s' if counts['rejected'] != 1 else ''} rejected"
        if result.has_changes:
            raise CliError(
                f"{rows}: nothing imported; fix them, or use --partial to import the good rows"
            )
        other = "the other rows are in the book as they are" if result.unchanged else "no other row"
        raise CliError(f"{rows} and {other}: nothing to import; fix them")
    if args.dry_run:
        print("dry run: nothing written")
        return EXIT_OK
    done = changes.apply_import(book, result, partial=args.partial)
    print(f"done: {done} (`unship undo` takes it back)" if done else "nothing to change")
    return EXIT_OK


def cmd_import_mail(book, args) -> int:
    """Facts from a Maildir, an mbox or .eml files (store/importers/mail_book.py)."""
    from unship.store import changes, mail_book, terminal_safe

    if args.format not in (None, "mail"):
        raise CliError(f"several files can only be mail (.eml), not {args.format}")
    shown = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if shown:
            print(f"\rreading mail: {100 * done // max(total, 1)}%", end="", file=sys.stderr)

    result = mail_book.plan_mail(book, [args.file, *args.more], progress=progress, add=args.add)
    if shown:
        print(file=sys.stderr)
    print(terminal_safe(f"{result.name} (mail, {result.source_kind})"))
    for line in result.summary_lines():
        print(terminal_safe(line))
    counts = result.counts
    print(f"  orders: {counts['new']} new, {counts['updated']} updated")
    if result.addable:
        n = result.addable
        print(
            f"  {n} order{'s are' if n != 1 else ' is'} confirmed in this mail but not in the "
            "book: --add logs " + ("them" if n != 1 else "it")
        )
    if args.dry_run:
        print("dry run: nothing written")
        return EXIT_OK
    done = changes.apply_import(book, result)
    print(f"done: {done} (`unship undo` takes it back)" if done else "nothing to change")
    if kept := result.kept_text():  # applied when the same mail is read again
        print(f"  {kept}")
    return EXIT_OK


def cmd_export(book, args) -> int:
    from unship.store import export

    text = export(book, args.format)
    if args.format == "json":
        text = json_text(text)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    from unship.store import atomic_write

    target = args.output
    try:
        # The store's own write: temp file, fsync, rename, fsync the folder; the temp file is
        # removed on error and an existing export is never left half-written.
        atomic_write(target, text.encode("utf-8"))
    except OSError as error:
        raise CliError(f"can't write {target}: {error.strerror or error}") from None
    print(f"wrote {target}", file=sys.stderr)
    return EXIT_OK


COMMANDS = {
    "add": cmd_add,
    "edit": cmd_edit,
    "list": cmd_list,
    "show": cmd_show,
    "mark": cmd_mark,
    "actions": cmd_actions,
    "due": cmd_due,
    "delete": cmd_delete,
    "undo": cmd_undo,
    "redo": cmd_redo,
    "import": cmd_import,
    "export": cmd_export,
}


# -- output ------------------------------------------------------------------------------
# kept under their old names: unship/cli.py and cli_backup use them
_print_json, _print_table = print_json, print_table


def _print_actions(actions: list[dict], *, item_count: int) -> None:
    for a in actions:
        mark = "✓" if a["available"] else "✗"
        which = ""
        if len(a["items"]) < item_count:
            which = f" [item{'s' if len(a['items']) > 1 else ''} {', '.join(map(str, a['items']))}]"
        print_wrapped(f"{mark} {a['label']}{which}: {a['reason']}", "  ", "      ")
        if a["available"]:
            for step in a["steps"]:
                print_wrapped(f"- {step}", "      ", "        ")
            if a["cost_note"]:
                print_wrapped(f"! {a['cost_note']}", "      ", "        ")
