"""Everything in the studio that is not a widget: testable without a screen."""
