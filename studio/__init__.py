"""Flash Africa Studio: the desktop app a creator opens to go live and follow earnings."""

APP_NAME = "Flash Africa Studio"
DATA_FOLDER = "FlashAfrica"
