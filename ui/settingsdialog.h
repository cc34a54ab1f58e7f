#pragma once
// Preferences: name, notifications, language, data folder.

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLineEdit;

namespace confab {

class DesktopSettings;

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget *parent = nullptr);

    void load(const DesktopSettings &settings);
    // Returns true when something needs a restart to take effect (language, data folder).
    bool save(DesktopSettings &settings) const;

private:
    QLineEdit *m_name;
    QCheckBox *m_notifications;
    QComboBox *m_language;
    QLineEdit *m_dataDir;
};

} // namespace confab
