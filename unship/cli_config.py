"""`unship config`: the person's settings from the command line (memberships and payment
cards, which change return deadlines; the theme is set with --theme)."""

from __future__ import annotations

from unship.cli_errors import EXIT_OK, CliError


def add_parser(sub) -> None:
    config = sub.add_parser(
        "config",
        help="settings: memberships and payment cards that change return deadlines",
        description="Memberships and payment cards change return windows (Best Buy Plus or "
        "Total: 60 days; Target Circle Card: 30 more days). unship remembers them in "
        "settings.json and every deadline follows them.",
    )
    what = config.add_subparsers(dest="setting", metavar="SETTING", required=True)
    member = what.add_parser(
        "membership",
        help="list, add or remove a membership or payment card",
        description="unship config membership add bestbuy-plus | remove circle-card | list",
    )
    member.add_argument("verb", choices=["list", "add", "remove"], metavar="list|add|remove")
    member.add_argument("name", nargs="?", metavar="NAME", help="e.g. bestbuy-plus, circle-card")
    dates = what.add_parser(
        "dates",
        help="how 3/4 is read: month-first (US, the default) or day-first",
        description="unship config dates day-first | month-first (no word: show it)",
    )
    dates.add_argument("order", nargs="?", choices=["month-first", "day-first"])


def run(args, print_json, print_table) -> int:
    from unship.store import settings

    if args.setting == "dates":
        return _dates(args)
    from unship.store import default_book

    book = default_book()
    known = book.known_memberships()
    try:
        have = set(settings.get_memberships())
    except settings.SettingsError as error:
        raise CliError(str(error)) from None
    if args.verb == "list":
        rows = [
            ["yes" if key in have else "", key, policy.name, membership.name]
            for key, (policy, membership) in sorted(known.items())
        ]
        rows += [["yes", key, "?", "not in the policy data"] for key in sorted(have - set(known))]
        print_table(["ON", "KEY", "RETAILER", "MEMBERSHIP OR CARD"], rows)
        return EXIT_OK
    if not args.name:
        raise CliError(f"config membership {args.verb} needs a NAME (see: membership list)")
    key = book.membership_key(args.name)
    if key is None:
        if args.verb == "remove" and args.name in have:
            key = args.name
        else:
            names = ", ".join(sorted(known))
            raise CliError(f"no membership called {args.name!r}; one of: {names}")
    changed = have | {key} if args.verb == "add" else have - {key}
    try:
        settings.set_memberships(sorted(changed))
    except settings.SettingsError as error:
        raise CliError(str(error)) from None
    policy, membership = known.get(key, (None, None))
    what = f"{membership.name} ({policy.name})" if membership and policy else key
    print(f"{'added' if args.verb == 'add' else 'removed'}: {what}")
    if args.verb == "add" and membership is not None and membership.status != "announced":
        print(
            f"  {policy.name}'s own pages don't state what it gives (third parties do): "
            "deadlines stay as they are and say the later day beside them ('perhaps until')"
        )
    return EXIT_OK


def _dates(args) -> int:
    from unship.store import settings

    try:
        if args.order is not None:
            settings.set_day_first(args.order == "day-first")
        day_first = settings.get_day_first()
    except settings.SettingsError as error:
        raise CliError(str(error)) from None
    example = "3/4 is 3 April" if day_first else "3/4 is March 4"
    print(f"dates: {'day-first' if day_first else 'month-first'} ({example})")
    return EXIT_OK
