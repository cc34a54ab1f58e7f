#include "startpage.h"

#include "applicationidentity.h"
#include "hubtrust.h"
#include "hubtrustcheck.h"
#include "landiscovery.h"
#include "protocol.h"

#include "lanaddresses.h"
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace confab {

namespace {

enum LanColumn {
    TitleColumn,
    HostColumn,
    AddressColumn,
    MembersColumn,
    AccessColumn,
    LanColumnCount
};
constexpr int RoomIndexRole = Qt::UserRole;
constexpr int RecentRowRole = Qt::UserRole;

QStringList localAddresses()
{
    QStringList lines;
    for (const LanAddress &address : lanAddresses())
        lines.append(QStringLiteral("%1 (%2)").arg(address.ip.toString(), address.interfaceName));
    return lines;
}

} // namespace

StartPage::StartPage(QWidget *parent)
    : QWidget(parent)
    , m_trust(new HubTrustCheck(this))
    , m_name(new QLineEdit(this))
    , m_error(new QLabel(this))
    , m_progress(new QLabel(this))
    , m_hostTitle(new QLineEdit(this))
    , m_hostPort(new QSpinBox(this))
    , m_hostPassword(new QLineEdit(this))
    , m_lanRooms(new QTreeWidget(this))
    , m_lanEmpty(new QLabel(this))
    , m_joinLan(new QPushButton(tr("Join Selected Room"), this))
    , m_address(new QLineEdit(this))
    , m_joinPassword(new QLineEdit(this))
    , m_recentList(new QListWidget(this))
{
    auto *welcome
        = new QLabel(tr("Chat with people on your network: host a room, or join one."), this);
    QFont welcomeFont = welcome->font();
    welcomeFont.setPointSizeF(welcomeFont.pointSizeF() * 1.2);
    welcome->setFont(welcomeFont);

    m_name->setMaxLength(protocol::MaxNameChars);
    m_name->setPlaceholderText(tr("How others see you"));
    auto *nameRow = new QFormLayout;
    nameRow->addRow(tr("Your &name:"), m_name);

    m_error->setTextFormat(Qt::PlainText); // reasons can quote what a hub said
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral(
        "QLabel { color: #a00; background: #fdecea; padding: 6px; border-radius: 4px; }"));
    m_error->hide();
    m_progress->setTextFormat(Qt::PlainText);
    m_progress->setWordWrap(true);
    m_progress->setStyleSheet(QStringLiteral(
        "QLabel { color: #124; background: #e8f0fe; padding: 6px; border-radius: 4px; }"));
    m_progress->hide();

    // Host a room.
    auto *hostBox = new QGroupBox(tr("Host a room"), this);
    m_hostTitle->setPlaceholderText(tr("e.g. Lab 3"));
    m_hostTitle->setMaxLength(64);
    m_hostPort->setRange(0, 65535);
    m_hostPort->setValue(protocol::DefaultHubPort);
    m_hostPort->setSpecialValueText(tr("any free port"));
    m_hostPassword->setEchoMode(QLineEdit::Password);
    m_hostPassword->setPlaceholderText(tr("optional"));
    auto *hostButton = new QPushButton(tr("&Start Hosting"), hostBox);
    hostButton->setDefault(true);
    auto *hostForm = new QFormLayout;
    hostForm->addRow(tr("Room &title:"), m_hostTitle);
    hostForm->addRow(tr("&Port:"), m_hostPort);
    hostForm->addRow(tr("Pass&word:"), m_hostPassword);
    auto *hostLayout = new QVBoxLayout(hostBox);
    auto *hostIntro = new QLabel(tr("Your computer keeps the room. Others on the network join it "
                                    "with Confab or a web browser."),
                                 hostBox);
    hostIntro->setWordWrap(true);
    hostLayout->addWidget(hostIntro);
    hostLayout->addLayout(hostForm);
    hostLayout->addWidget(hostButton, 0, Qt::AlignRight);

    // Join a room.
    auto *joinBox = new QGroupBox(tr("Join a room"), this);
    m_lanRooms->setColumnCount(LanColumnCount);
    m_lanRooms->setHeaderLabels(
        {tr("Room"), tr("Host"), tr("Address"), tr("Online"), tr("Access")});
    m_lanRooms->setRootIsDecorated(false);
    m_lanRooms->setUniformRowHeights(true);
    m_lanRooms->header()->setSectionResizeMode(TitleColumn, QHeaderView::Stretch);
    m_lanRooms->header()->setStretchLastSection(false);
    for (int column : {HostColumn, AddressColumn, MembersColumn, AccessColumn})
        m_lanRooms->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_lanEmpty->setText(tr("Looking for rooms on your network…"));
    m_lanEmpty->setForegroundRole(QPalette::PlaceholderText);
    m_joinLan->setEnabled(false);
    auto *help = new QPushButton(tr("Can't find a room?"), joinBox);
    help->setFlat(true);
    help->setCursor(Qt::PointingHandCursor);
    help->setStyleSheet(QStringLiteral(
        "QPushButton { color: palette(link); text-decoration: underline; border: none; }"));

    m_address->setPlaceholderText(tr("Address, e.g. 192.168.1.20:8848"));
    m_joinPassword->setEchoMode(QLineEdit::Password);
    m_joinPassword->setPlaceholderText(tr("only for locked rooms"));
    auto *joinAddress = new QPushButton(tr("&Join"), joinBox);
    auto *addressRow = new QHBoxLayout;
    addressRow->addWidget(m_address, 3);
    addressRow->addWidget(m_joinPassword, 2);
    addressRow->addWidget(joinAddress);

    auto *lanButtons = new QHBoxLayout;
    lanButtons->addWidget(help);
    lanButtons->addStretch();
    lanButtons->addWidget(m_joinLan);

    auto *joinLayout = new QVBoxLayout(joinBox);
    joinLayout->addWidget(new QLabel(tr("Rooms on your network:"), joinBox));
    joinLayout->addWidget(m_lanRooms, 2);
    joinLayout->addWidget(m_lanEmpty);
    joinLayout->addLayout(lanButtons);
    joinLayout->addWidget(new QLabel(tr("Or type the address the host gave you:"), joinBox));
    joinLayout->addLayout(addressRow);
    joinLayout->addWidget(new QLabel(tr("Recent rooms (click to rejoin):"), joinBox));
    m_recentList->setMaximumHeight(m_recentList->fontMetrics().height() * 6);
    joinLayout->addWidget(m_recentList, 1);

    auto *columns = new QHBoxLayout;
    columns->addWidget(hostBox, 2, Qt::AlignTop);
    columns->addWidget(joinBox, 3);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(welcome);
    layout->addLayout(nameRow);
    layout->addWidget(m_error);
    layout->addWidget(m_progress);
    layout->addLayout(columns, 1);

    connect(hostButton, &QPushButton::clicked, this, &StartPage::requestHost);
    connect(joinAddress, &QPushButton::clicked, this, &StartPage::requestJoinAddress);
    connect(m_address, &QLineEdit::returnPressed, this, &StartPage::requestJoinAddress);
    connect(m_joinLan, &QPushButton::clicked, this, &StartPage::requestJoinLanRoom);
    connect(m_lanRooms, &QTreeWidget::itemActivated, this, &StartPage::requestJoinLanRoom);
    connect(m_lanRooms, &QTreeWidget::itemSelectionChanged, this,
            [this] { m_joinLan->setEnabled(!m_lanRooms->selectedItems().isEmpty()); });
    connect(m_recentList, &QListWidget::itemClicked, this,
            [this](QListWidgetItem *item) { joinRecent(item->data(RecentRowRole).toInt()); });
    connect(help, &QPushButton::clicked, this, &StartPage::showNetworkHelp);
    connect(m_trust, &HubTrustCheck::progress, this, &StartPage::showProgress);
    connect(m_trust, &HubTrustCheck::approved, this, &StartPage::joinRequested);
    connect(m_trust, &HubTrustCheck::refused, this, [this](const QString &message) {
        showProgress({}); // "Checking the identity…" is over, even when the user said no
        showError(message);
    });
}

HubTrustCheck *StartPage::trustCheck() const
{
    return m_trust;
}

QLineEdit *StartPage::nameField() const
{
    return m_name;
}

QLineEdit *StartPage::addressField() const
{
    return m_address;
}

QTreeWidget *StartPage::lanRooms() const
{
    return m_lanRooms;
}

QListWidget *StartPage::recentRooms() const
{
    return m_recentList;
}

QLabel *StartPage::errorBanner() const
{
    return m_error;
}

void StartPage::setDiscovery(LanDiscovery *discovery)
{
    if (m_discovery)
        disconnect(m_discovery, nullptr, this, nullptr);
    m_discovery = discovery;
    if (discovery)
        connect(discovery, &LanDiscovery::roomsChanged, this, &StartPage::refreshLanRooms);
    refreshLanRooms();
}

void StartPage::loadSettings(const DesktopSettings &settings)
{
    // The user's own choice first; before there is one, the login's full name as a suggestion.
    // Whatever the user typed here stays; what we filled in follows the settings.
    if (m_name->text().isEmpty() || !m_name->isModified())
        m_name->setText(settings.name().isEmpty() ? loginDisplayName() : settings.name());
    if (m_hostTitle->text().isEmpty())
        m_hostTitle->setText(settings.hostTitle());
    m_hostPort->setValue(settings.hostPort());
    m_recent = settings.recentRooms();
    m_recentList->clear();
    for (int i = 0; i < m_recent.size(); ++i) {
        const RecentRoom &room = m_recent.at(i);
        const QString title = room.title.isEmpty() ? room.roomId : room.title;
        auto *item
            = new QListWidgetItem(tr("%1 — %2").arg(title, room.hubUrl.toString()), m_recentList);
        item->setData(RecentRowRole, i);
        item->setToolTip(tr("Rejoin %1").arg(title));
    }
    if (m_recent.isEmpty()) {
        auto *item = new QListWidgetItem(tr("Rooms you join will show here."), m_recentList);
        item->setFlags(Qt::NoItemFlags);
    }
}

void StartPage::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    if (!message.isEmpty())
        showProgress({});
}

void StartPage::showProgress(const QString &message)
{
    m_progress->setText(message);
    m_progress->setVisible(!message.isEmpty());
    if (!message.isEmpty())
        m_error->hide();
}

QLabel *StartPage::progressLabel() const
{
    return m_progress;
}

QUrl StartPage::parseAddress(const QString &text, QString *fingerprint, bool *badFingerprint)
{
    QString input = text.trimmed();
    if (input.isEmpty())
        return {};
    const qsizetype hash = input.indexOf(QLatin1Char('#'));
    if (hash >= 0) {
        QUrl link;
        link.setFragment(input.mid(hash + 1));
        bool malformed = false;
        const QString found = fingerprintOfLink(link, &malformed);
        if (fingerprint)
            *fingerprint = found;
        if (badFingerprint)
            *badFingerprint = malformed;
        input.truncate(hash);
    }
    if (!input.contains(QLatin1StringView("://")))
        input.prepend(QLatin1StringView("http://"));
    QUrl url(input, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty()
        || (scheme != QLatin1StringView("http") && scheme != QLatin1StringView("https")))
        return {};
    if (url.port() == -1 && scheme == QLatin1StringView("http"))
        url.setPort(protocol::DefaultHubPort);
    url.setPath(QStringLiteral("/"));
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

bool StartPage::checkName()
{
    if (m_name->text().trimmed().isEmpty()) {
        showError(tr("Enter your name first: it is how others see you in the room."));
        m_name->setFocus();
        return false;
    }
    showError({});
    return true;
}

void StartPage::requestHost()
{
    if (!checkName())
        return;
    HostRequest request;
    request.name = m_name->text().trimmed();
    request.title = m_hostTitle->text().trimmed();
    if (request.title.isEmpty())
        request.title = tr("%1's room").arg(request.name);
    request.port = quint16(m_hostPort->value());
    request.password = m_hostPassword->text();
    emit hostRequested(request);
}

void StartPage::requestJoinAddress()
{
    if (!checkName())
        return;
    QString fingerprint;
    bool badFingerprint = false;
    const QUrl url = parseAddress(m_address->text(), &fingerprint, &badFingerprint);
    if (!url.isValid()) {
        showError(tr("That does not look like an address. Type what the host sees under "
                     "\"Others join at\", e.g. 192.168.1.20:8848."));
        m_address->setFocus();
        return;
    }
    if (badFingerprint) {
        showError(tr("The link's fingerprint (after #fp=) is not 64 hexadecimal digits. Copy the "
                     "whole link again from the host's window."));
        m_address->setFocus();
        return;
    }
    const JoinRequest request(url, QString(), m_name->text().trimmed(), m_joinPassword->text());
    // A link with the fingerprint pins the hub without a question; a bare address is checked
    // against what this computer remembers (trust on first use).
    if (!fingerprint.isEmpty())
        m_trust->checkAnnounced(request, fingerprint, HubTrustCheck::Source::Link);
    else
        m_trust->check(request);
}

void StartPage::requestJoinLanRoom()
{
    if (!checkName() || !m_discovery)
        return;
    const auto selected = m_lanRooms->selectedItems();
    if (selected.isEmpty())
        return;
    const auto rooms = m_discovery->rooms();
    const int index = selected.first()->data(TitleColumn, RoomIndexRole).toInt();
    if (index < 0 || index >= rooms.size())
        return;
    const BeaconAnnounce &room = rooms.at(index).announce;
    QString password = m_joinPassword->text();
    if (room.locked && password.isEmpty()) {
        bool ok = false;
        password = QInputDialog::getText(this, tr("Locked Room"),
                                         tr("Password for “%1”:").arg(room.title),
                                         QLineEdit::Password, QString(), &ok);
        if (!ok)
            return;
    }
    const DiscoveredRoom &found = rooms.at(index);
    const JoinRequest request(room.url, room.roomId, m_name->text().trimmed(), password,
                              room.title);
    // The beacon names the hub's certificate: pinned without a question (a hub without TLS, or
    // an older Confab, is joined over plain http as before).
    if (found.pin())
        m_trust->checkAnnounced(request, found.pin()->hex(), HubTrustCheck::Source::Beacon);
    else
        emit joinRequested(request);
}

void StartPage::joinRecent(int row)
{
    if (row < 0 || row >= m_recent.size() || !checkName())
        return;
    const RecentRoom &room = m_recent.at(row);
    m_trust->check(JoinRequest(room.hubUrl, room.roomId, m_name->text().trimmed(),
                               m_joinPassword->text(), room.title));
}

void StartPage::refreshLanRooms()
{
    const QString selectedKey = m_lanRooms->selectedItems().isEmpty()
        ? QString()
        : m_lanRooms->selectedItems().first()->data(AddressColumn, RoomIndexRole).toString();
    m_lanRooms->clear();
    const auto rooms = m_discovery ? m_discovery->rooms() : QList<DiscoveredRoom>();
    for (int i = 0; i < rooms.size(); ++i) {
        const BeaconAnnounce &room = rooms.at(i).announce;
        auto *item = new QTreeWidgetItem(m_lanRooms);
        // Item views show these as plain text; beacon strings are capped by the codec.
        item->setText(TitleColumn, room.title.isEmpty() ? room.roomId : room.title);
        item->setText(HostColumn, room.host);
        item->setText(AddressColumn, room.url.toString());
        item->setText(MembersColumn, QString::number(room.members));
        item->setText(AccessColumn, room.locked ? tr("🔒 Password") : tr("Open"));
        item->setData(TitleColumn, RoomIndexRole, i);
        const QString key = room.url.toString() + room.roomId;
        item->setData(AddressColumn, RoomIndexRole, key);
        if (key == selectedKey)
            item->setSelected(true);
    }
    m_lanEmpty->setText(rooms.isEmpty()
                            ? tr("No rooms found on your network yet. Rooms appear here by "
                                 "themselves when someone hosts one.")
                            : QString());
    m_lanEmpty->setVisible(rooms.isEmpty());
}

void StartPage::showNetworkHelp()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Can't find a room?"));
    auto *layout = new QVBoxLayout(&dialog);
    const QStringList addresses = localAddresses();
    QString text = tr("This computer's addresses:") + u'\n';
    text += addresses.isEmpty() ? tr("  (none: this computer is not connected to a network)")
                                : QStringLiteral("  ") + addresses.join(QStringLiteral("\n  "));
    text += QStringLiteral("\n\n");
    text += tr("What to check:\n"
               "• Both computers are on the same network (same Wi-Fi or cable, same subnet: the "
               "first three numbers of the address usually match).\n"
               "• The host's firewall lets Confab in: TCP port %1 (or the port the host chose) for "
               "chatting and UDP port %2 for finding rooms.\n"
               "• Guest and public Wi-Fi often keep devices apart; rooms cannot be found or "
               "joined there.\n"
               "• If the room does not appear, type the address the host sees under \"Others "
               "join at\" into the address field.")
                .arg(protocol::DefaultHubPort)
                .arg(protocol::BeaconPort);
    auto *label = new QLabel(text, &dialog);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(label);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(520, dialog.sizeHint().height());
    dialog.exec();
}

} // namespace confab
