#pragma once
// Declared here, defined in ui/ when the GUI is built: main() opens the window through it, so the
// dependency still points ui -> app and nothing in app/ includes ui/.

namespace confab {
int runDesktop(int &argc, char **argv);
} // namespace confab
