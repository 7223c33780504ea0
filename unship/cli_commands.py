"""The commands behind `unship add|list|show|mark|actions|due|undo|import|export`, and
their output (aligned tables, or JSON). Each takes the open book and the parsed arguments and
returns the exit status; unship/cli.py parses and dispatches."""

from __future__ import annotations

import sys
from datetime import date

from unship.cli_errors import EXIT_NONE_DUE, EXIT_OK, CliError
from unship.cli_output import json_text, print_json, print_table, print_wrapped

# -- commands ----------------------------------------------------------------------------


def cmd_add(book, args) -> int:
    from unship.store.advice import SELLER_WINDOW
    from unship.store.lifecycle import shipped_if_tracked
    from unship.store.model import new_item, new_order
    from unship.store.money import MoneyError, check_currency, to_minor
    from unship.store.parsing import detect_carrier, parse_date, parse_price, parse_quick
    from unship.store.text import clean_line

    titles, prices = list(args.item or []), list(args.price or [])
    retailer, number, currency = args.retailer, args.order_number, args.currency
    ordered = parse_date(args.ordered, book.today) if args.ordered else None
    tracking = args.tracking
    if args.line:
        quick = parse_quick(args.line, book.today)
        retailer, number = retailer or quick.retailer, number or quick.order_number
        titles = titles or quick.titles
        if not prices and quick.price is not None:
            prices = [str(quick.price) + (f" {quick.currency}" if quick.currency else "")]
        ordered = ordered or quick.ordered_on
        tracking = tracking or quick.tracking
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
    try:
        currency = check_currency(currency)
    except MoneyError as error:
        raise CliError(str(error)) from None
    quantities = args.quantity or []
    window = getattr(args, "seller_window", None)
    seller_window = {SELLER_WINDOW: str(window)} if window else None
    if seller_window and not args.seller:
        raise CliError("--seller-window needs --seller: it is a marketplace seller's own window")
    categories = args.category or []
    items = []
    for n, (title, price) in enumerate(zip(titles, prices, strict=True)):
        amount, typed_currency = parse_price(price)
        if typed_currency and typed_currency != currency:
            if args.currency != "USD" or n:
                raise CliError(
                    f"item {n + 1} ({clean_line(title, limit=40)!r}): price {price!r} is in "
                    f"{typed_currency} but the order is in {currency}; an order has one currency"
                )
            currency = check_currency(typed_currency)
        try:
            minor = to_minor(amount, currency)
        except MoneyError as error:
            raise CliError(f"price: {error}") from None
        items.append(
            new_item(
                title,
                minor,
                quantity=quantities[n] if n < len(quantities) else 1,
                category=book.policies.category(
                    categories[n] if n < len(categories) else "general"
                ),
                seller=args.seller,
                extra=seller_window,
            )
        )
    carrier = args.carrier
    if tracking and not carrier and (guess := detect_carrier(tracking)):
        carrier = guess.carrier
    order = new_order(
        retailer,
        number,
        ordered or book.today,
        items,
        currency=currency,
        carrier=carrier,
        tracking=tracking,
        notes=args.notes,
        today=book.today,
    )
    order = shipped_if_tracked(order)
    for warning in order_warnings(book, order):
        print(f"unship: warning: {warning}", file=sys.stderr)
    saved = book.add(order)
    print(saved.id)
    return EXIT_OK


def order_warnings(book, order) -> list[str]:
    """Things that look wrong but may be right: said, never refused."""
    from unship.store.order_input import order_warnings as warnings_for

    return warnings_for(book.policies, order)


def cmd_list(book, args) -> int:
    from unship.store.views import order_row

    orders = book.orders()
    if args.state:
        orders = [o for o in orders if any(i.state.value == args.state for i in o.items)]
    rows = [order_row(book, o) for o in orders]
    if args.json:
        _print_json(rows)
        return EXIT_OK
    if not rows:
        print("No orders." if not args.state else f"No orders with an item {args.state}.")
        return EXIT_OK
    _print_table(
        ["ID", "RETAILER", "ORDER", "TITLE", "TOTAL", "STATE", "NEXT DEADLINE"],
        [
            [
                str(r["id"]),
                r["retailer"],
                r["order_number"],
                r["title"],
                r["total"],
                r["state"],
                r["next_deadline_text"] or "-",
            ]
            for r in rows
        ],
        right={0, 4},
        flex={3: (24, 10), 6: (22, 17)},  # title, deadline; the order number goes first
        optional={2},
    )
    return EXIT_OK


def cmd_show(book, args) -> int:
    from unship.store.model import EVENT_WORDS, State
    from unship.store.views import order_detail

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
    for n, item in enumerate(detail["items"], 1):
        print(
            f"  {n}. {item['title']}  ×{item['quantity']}  {item['price_text']}  "
            f"[{item['category']}]  {State(item['state']).label}"
        )
        if "refunded" in item:
            short = f" · {item['short_text']}" if item["short"] else ""
            print(f"     refunded {item['refunded_text']}{short}")
        if item["return_tracking"]:
            print(f"     return tracking {item['return_tracking']}")
        delivery = item["delivery"]
        if delivery and delivery["estimated"]:
            when = "delivered" if delivery["arrived"] else "arriving"
            print(
                f"     {when} ~{delivery['day']} (estimated: {delivery['from']}; "
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
    from unship.store import estimates
    from unship.store.advice import day_text, standing

    items = [n - 1 for n in args.item] if args.item else None
    on, note = args.on, args.note
    if args.event == "delivered":
        before = book.find(args.id)
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
    refunded = None
    if args.amount is not None:
        from unship.store.money import MoneyError, to_minor

        if args.event != "refunded":
            raise CliError("--amount goes with refunded")
        currency = book.find(args.id).currency
        try:
            refunded = to_minor(args.amount.lstrip("$€£¥").replace(",", ""), currency)
        except MoneyError as error:
            raise CliError(f"--amount: {error}") from None
    if args.tracking and args.event != "return-shipped":
        raise CliError("--tracking goes with return-shipped")
    order = book.record(
        args.id,
        args.event,
        on,
        items=items,
        note=note,
        refunded=refunded,
        return_tracking=args.tracking or "",
    )
    print(f"{order.id}\t{standing(order, book.policies, book.today).text(order)}")
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
    from unship.store.advice import day_text, days_left_text

    due = book.due(args.days)
    rows = [
        {
            "id": order.id,
            "retailer": order.retailer,
            "order_number": order.order_number,
            "title": order.short_title,
            "action": d.action,
            "label": d.label,
            "deadline": d.day.isoformat(),
            "days_left": d.days_left(book.today),
            "overdue": d.overdue or d.day < book.today,
            "estimated": d.estimated,
            "reason": d.reason,
        }
        for order, d in due
    ]
    if args.json:
        _print_json(rows)
    elif rows:
        _print_table(
            ["DEADLINE", "LEFT", "ID", "ORDER", "WHAT", "TITLE"],
            [
                [
                    ("~" if r["estimated"] else "")
                    + day_text(date.fromisoformat(r["deadline"]), book.today),
                    days_left_text(date.fromisoformat(r["deadline"]), book.today),
                    str(r["id"]),
                    r["order_number"],
                    r["label"],
                    r["title"],
                ]
                for r in rows
            ],
            right={2},
            flex={5: (24, 10)},
            optional={3},
        )
    elif args.days == 0:
        print("Nothing due today.")
    else:
        print(f"Nothing due in the next {args.days} day{'s' if args.days != 1 else ''}.")
    return EXIT_OK if rows else EXIT_NONE_DUE


def cmd_delete(book, args) -> int:
    from unship.store.text import terminal_safe

    deleted = book.delete_many(args.ids)
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
    print(f"undone: {book.undo()}")
    return EXIT_OK


def cmd_redo(book, args) -> int:
    print(f"redone: {book.redo()}")
    return EXIT_OK


def cmd_import(book, args) -> int:
    from unship.store import importers

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
        raise CliError(
            f"{counts['rejected']} row{'s' if counts['rejected'] != 1 else ''} rejected: "
            "nothing imported; fix them, or use --partial to import the good rows"
        )
    if args.dry_run:
        print("dry run: nothing written")
        return EXIT_OK
    done = importers.apply(book, result, partial=args.partial)
    print(f"done: {done} (`unship undo` takes it back)" if done else "nothing to change")
    return EXIT_OK


def cmd_import_mail(book, args) -> int:
    """Facts from a Maildir, an mbox or .eml files (store/importers/mail_book.py)."""
    from unship.store.importers import mail_book
    from unship.store.text import terminal_safe

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
    if args.dry_run:
        print("dry run: nothing written")
        return EXIT_OK
    done = mail_book.apply_mail(book, result)
    print(f"done: {done} (`unship undo` takes it back)" if done else "nothing to change")
    return EXIT_OK


def cmd_export(book, args) -> int:
    from unship.store.exporters import export

    text = export(book, args.format)
    if args.format == "json":
        text = json_text(text)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    from unship.store.fileio import atomic_write

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
