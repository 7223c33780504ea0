def main(argv=None) -> int:
    import unship.store
    import unship.tui
    print(unship.store.__doc__, unship.tui.__doc__)
    return 0
