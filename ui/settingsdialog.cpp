#include "settingsdialog.h"

#include "desktopsettings.h"
#include "protocol.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace confab {

SettingsDialog::SettingsDialog(QWidget *parent)
    : QDialog(parent)
    , m_name(new QLineEdit(this))
    , m_notifications(new QCheckBox(
          tr("Show a notification for new messages while Confab is in the background"), this))
    , m_language(new QComboBox(this))
    , m_dataDir(new QLineEdit(this))
{
    setWindowTitle(tr("Settings"));
    m_name->setMaxLength(protocol::MaxNameChars);
    // Language names in their own language, so anyone can find theirs.
    m_language->addItem(tr("System language"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));

    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir
            = QFileDialog::getExistingDirectory(this, tr("Data Folder"), m_dataDir->text());
        if (!dir.isEmpty())
            m_dataDir->setText(dir);
    });
    auto *dataRow = new QHBoxLayout;
    dataRow->addWidget(m_dataDir, 1);
    dataRow->addWidget(browse);

    auto *form = new QFormLayout;
    form->addRow(tr("Your &name:"), m_name);
    form->addRow(tr("Notifications:"), m_notifications);
    form->addRow(tr("&Language:"), m_language);
    // A row holding a layout gets no buddy from QFormLayout, and a label without a buddy shows
    // its "&" literally: give it the field.
    auto *dataLabel = new QLabel(tr("&Data folder:"), this);
    dataLabel->setBuddy(m_dataDir);
    form->addRow(dataLabel, dataRow);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

void SettingsDialog::load(const DesktopSettings &settings)
{
    m_name->setText(settings.name());
    m_notifications->setChecked(settings.notificationsEnabled());
    const int language = m_language->findData(settings.language());
    m_language->setCurrentIndex(language < 0 ? 0 : language);
    m_dataDir->setText(settings.dataDir());
}

bool SettingsDialog::save(DesktopSettings &settings) const
{
    bool needsRestart = false;
    if (!m_name->text().trimmed().isEmpty())
        settings.setName(m_name->text());
    settings.setNotificationsEnabled(m_notifications->isChecked());
    const QString language = m_language->currentData().toString();
    if (language != settings.language()) {
        settings.setLanguage(language);
        needsRestart = true;
    }
    const QString dataDir = m_dataDir->text().trimmed();
    if (!dataDir.isEmpty() && dataDir != settings.dataDir()) {
        settings.setDataDir(dataDir);
        needsRestart = true;
    }
    return needsRestart;
}

} // namespace confab
