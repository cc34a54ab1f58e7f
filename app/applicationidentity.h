#pragma once
// Organisation, application name and version for QSettings, QStandardPaths and --version.
// Called by every mode (window and command line) right after the Q*Application exists.

namespace confab {
void setApplicationIdentity();
} // namespace confab
