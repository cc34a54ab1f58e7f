#pragma once
// The one rule for `@Name` mentions (docs/protocol.md, "Conversations"): `@` followed by the
// member's name, case-insensitive, then a character that cannot continue a name (or the end).
// Clients use it to highlight and count; a name is never matched inside a longer one
// (`@Ana` does not mention a member called `An`).

#include <QStringView>

namespace confab {

bool mentionsName(QStringView text, QStringView name);

} // namespace confab
