#pragma once
// Organisation, application name and version for QSettings, QStandardPaths and --version.
// Called by every mode (window and command line) right after the Q*Application exists.

#include <QString>

namespace confab {
void setApplicationIdentity();

// Only warnings and errors reach the terminal (the window's debug and info lines are for
// developers). QT_LOGGING_RULES, read after these rules, still turns any category back on.
void useQuietLogging();

// A name to offer before the user has chosen one: the login's full name (the passwd entry's
// GECOS field, up to its first comma), else the login name; empty when neither is known.
QString loginDisplayName();
// The GECOS field's first part, trimmed ("Ana Lima,Room 3,," gives "Ana Lima").
QString fullNameFromGecos(const QString &gecos);
} // namespace confab
