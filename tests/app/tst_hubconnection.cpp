// HubConnection (API v2) against the real hub (`confab serve` as a child process on 127.0.0.1):
// several conversations over one member stream, a DM and its privacy towards a third member,
// resume after a hub restart with no lost and no duplicated event, the outbox across an app and a
// hub restart, edit and delete, and read marks across two connections of one member.

#include "conversation.h"
#include "conversationlistmodel.h"
#include "hubapi.h"
#include "hubapiwait.h"
#include "hubconnection.h"
#include "hubprocess.h"
#include "membermodel.h"
#include "mentions.h"
#include "messagemodel.h"
#include "protocol.h"
#include "sessionstore.h"

#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace confab;
using confab::test::HubProcess;
using confab::test::wait;

namespace {

constexpr int Timeout = 30000; // hub start-up under ASan on a busy 2-core machine is slow
const QString Lobby = QStringLiteral("lobby");

QStringList messageTexts(const MessageModel *model)
{
    QStringList texts;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row);
        if (index.data(MessageModel::KindRole).value<MessageModel::Kind>()
            == MessageModel::Kind::Message)
            texts.append(index.data(MessageModel::TextRole).toString());
    }
    return texts;
}

bool sequencesStrictlyIncrease(const MessageModel *model)
{
    qint64 previous = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const qint64 sequence = model->index(row).data(MessageModel::SequenceRole).toLongLong();
        if (sequence == 0)
            continue; // pending rows sit at the end
        if (sequence <= previous)
            return false;
        previous = sequence;
    }
    return true;
}

int rowWithText(const MessageModel *model, const QString &text)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row).data(MessageModel::TextRole).toString() == text)
            return row;
    }
    return -1;
}

int unreadOf(const HubConnection &connection, const QString &cid)
{
    const auto info = connection.conversations()->info(cid);
    return info ? info->unread : -1;
}

int mentionsOf(const HubConnection &connection, const QString &cid)
{
    const auto info = connection.conversations()->info(cid);
    return info ? info->mentions : -1;
}

// A member talking to the hub directly over API v2 (a second client, not the one under test).
class Member2
{
public:
    Member2(const QUrl &hub, const QString &name)
        : m_name(name)
    {
        m_api.setBaseUrl(hub);
    }
    bool signIn()
    {
        const auto result
            = wait<HubSession>([&](auto done) { m_api.signInToHub(m_name, {}, done); });
        if (result.ok())
            m_id = result.value->member.id;
        return result.ok();
    }
    qint64 post(const QString &cid, const QString &text)
    {
        const auto result = wait<PostedMessage>([&](auto done) {
            m_api.postToConversation(cid, text, QStringLiteral("p-") + cid + text, done);
        });
        return result.ok() ? result.value->id : 0;
    }
    QString id() const { return m_id; }
    HubApi &api() { return m_api; }

private:
    HubApi m_api;
    QString m_name;
    QString m_id;
};

HubConnection::Options optionsFor(const QUrl &hub, const QString &name, const QString &storage)
{
    HubConnection::Options options;
    options.hubUrl = hub;
    options.name = name;
    options.storageDir = storage;
    return options;
}

QStringList pageTexts(HubApi &api, const QString &cid)
{
    const auto page = wait<HistoryPage>(
        [&](auto done) { api.fetchConversationPage(cid, 0, protocol::MaxHistoryPage, done); });
    QStringList texts;
    if (page.ok()) {
        for (const ChatEvent &event : page.value->events) {
            if (const auto *message = std::get_if<MessageEvent>(&event))
                texts.append(message->text);
        }
    }
    return texts;
}

// "Name" for an online member, "(Name)" for one offline: the members panel's rows in order.
QStringList memberRows(const MemberModel *model)
{
    QStringList rows;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row);
        const QString name = index.data(MemberModel::NameRole).toString();
        rows.append(
            index.data(MemberModel::OnlineRole).toBool() ? name : QStringLiteral("(%1)").arg(name));
    }
    return rows;
}

} // namespace

class TestHubConnection : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void mentionRule();
    void channelsAndADirectMessageOverOneStream();
    void aThirdMemberNeverSeesADirectMessage();
    void hubRestartResumesWithoutLossOrDuplicates();
    void outboxSurvivesAppAndHubRestart();
    void editAndDeleteUpdateTheRows();
    void readMarksFollowTheMemberAcrossConnections();
    void resetReloadsTheLoadedPages();
    void showAroundAMessageAndBackToTheNewest();
    void conversationMembersFollowJoinsLeavesAndPresence();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HubProcess> m_hub;
};

void TestHubConnection::initTestCase()
{
    if (test::confabBinary().isEmpty())
        QSKIP("CONFAB_BINARY is not set (run through ctest)");
}

void TestHubConnection::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // No rate limit: tests post in bursts.
    m_hub = std::make_unique<HubProcess>(
        m_dir->filePath(QStringLiteral("hub")),
        QStringList {QStringLiteral("--max-rate"), QStringLiteral("0")});
    QVERIFY2(m_hub->start(), qPrintable(m_hub->errorText()));
}

void TestHubConnection::cleanup()
{
    m_hub.reset();
    m_dir.reset();
}

void TestHubConnection::mentionRule()
{
    QVERIFY(mentionsName(u"hi @Ana", u"Ana"));
    QVERIFY(mentionsName(u"@ana, look", u"Ana")); // case-insensitive
    QVERIFY(mentionsName(u"(@Ana)", u"Ana"));
    QVERIFY(mentionsName(u"@Ana Lopez here", u"Ana Lopez")); // names may hold spaces
    QVERIFY(!mentionsName(u"@Anabel", u"Ana")); // another, longer name
    QVERIFY(!mentionsName(u"@Ana_2", u"Ana"));
    QVERIFY(!mentionsName(u"mail bo@ana.example", u"ana")); // an address, not a mention
    QVERIFY(!mentionsName(u"Ana", u"Ana")); // no @
    QVERIFY(!mentionsName(u"@", u"Ana"));
    QVERIFY(!mentionsName(u"hi @Ana", u""));
}

// Ana and Bo in lobby and a new channel, and a DM: each message lands in its conversation's
// timeline only, once, and the badges of conversations not looked at count it.
void TestHubConnection::channelsAndADirectMessageOverOneStream()
{
    HubConnection ana;
    HubConnection bo;
    ana.start(
        optionsFor(m_hub->url(), QStringLiteral("Ana"), m_dir->filePath(QStringLiteral("a"))));
    bo.start(optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("b"))));
    QTRY_COMPARE_WITH_TIMEOUT(ana.state(), HubConnection::State::Live, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(bo.state(), HubConnection::State::Live, Timeout);
    QCOMPARE(ana.conversations()->rowOf(Lobby), 0); // a new member is in lobby

    QSignalSpy anaOpened(&ana, &HubConnection::conversationOpened);
    ana.createChannel(QStringLiteral("Lab 3"), QStringLiteral("projects"));
    QTRY_COMPARE_WITH_TIMEOUT(anaOpened.size(), 1, Timeout);
    const QString lab = anaOpened.first().at(0).toString();
    QCOMPARE(lab, QStringLiteral("lab-3"));
    QVERIFY(anaOpened.first().at(1).toBool()); // created
    QSignalSpy boOpened(&bo, &HubConnection::conversationOpened);
    bo.joinChannel(lab);
    QTRY_COMPARE_WITH_TIMEOUT(boOpened.size(), 1, Timeout);
    QVERIFY(!boOpened.first().at(1).toBool());
    QVERIFY(bo.conversations()->rowOf(lab) >= 0);
    // Channels by title, lobby among them.
    QCOMPARE(bo.conversations()->index(0).data(ConversationListModel::TitleRole).toString(),
             QStringLiteral("Lab 3"));

    bo.setActiveConversation(Lobby);
    QSignalSpy boArrived(&bo, &HubConnection::messageArrived);
    Conversation *anaLobby = ana.conversation(Lobby);
    Conversation *anaLab = ana.conversation(lab);
    QVERIFY(anaLobby && anaLab);
    QVERIFY(!anaLobby->send(QStringLiteral("in lobby")).isEmpty());
    QVERIFY(!anaLab->send(QStringLiteral("in lab")).isEmpty());
    QVERIFY(!anaLab->send(QStringLiteral("@Bo in lab again")).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(boArrived.size(), 3, Timeout);
    Conversation *boLobby = bo.conversation(Lobby);
    Conversation *boLab = bo.conversation(lab);
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(boLobby->messages()),
                              QStringList {QStringLiteral("in lobby")}, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(
        messageTexts(boLab->messages()),
        (QStringList {QStringLiteral("in lab"), QStringLiteral("@Bo in lab again")}), Timeout);
    QCOMPARE(boArrived.at(1).at(0).toString(), lab);
    QVERIFY(!boArrived.at(1).at(2).toBool()); // not own
    QVERIFY(boArrived.at(2).at(3).toBool()); // mentions Bo
    // Bo looks at lobby: lab counts two unread, one of them a mention; lobby none.
    QTRY_COMPARE_WITH_TIMEOUT(unreadOf(bo, lab), 2, Timeout);
    QCOMPARE(mentionsOf(bo, lab), 1);
    QCOMPARE(unreadOf(bo, Lobby), 0);
    const int mentionRow = rowWithText(boLab->messages(), QStringLiteral("@Bo in lab again"));
    QVERIFY(boLab->messages()->index(mentionRow).data(MessageModel::MentionsMeRole).toBool());
    // The hub agrees: Bo's read of lobby reached it, lab is unread there too.
    const auto hubUnread = [&](const QString &cid) {
        const auto list = wait<std::vector<ConversationInfo>>(
            [&](auto done) { bo.api()->fetchConversations(done); });
        for (const ConversationInfo &info : list.value.value_or(std::vector<ConversationInfo> {}))
            if (info.id == cid)
                return info.unread;
        return -1;
    };
    QTRY_COMPARE_WITH_TIMEOUT(hubUnread(Lobby), 0, Timeout);
    QCOMPARE(hubUnread(lab), 2);

    // A DM: Ana opens it, Bo learns of it from the stream (an unknown conversation). First let
    // every list refresh asked for so far be done, so that only that event can bring it.
    QTest::qWait(1000);
    anaOpened.clear();
    ana.openDirectMessage(bo.self().id);
    QTRY_COMPARE_WITH_TIMEOUT(anaOpened.size(), 1, Timeout);
    const QString dm = anaOpened.first().at(0).toString();
    QVERIFY(dm.startsWith(QLatin1StringView("dm:")));
    Conversation *anaDm = ana.conversation(dm);
    QVERIFY(anaDm);
    QVERIFY(anaDm->isDirect());
    QCOMPARE(anaDm->title(), QStringLiteral("Bo"));
    QVERIFY(!anaDm->send(QStringLiteral("psst, Bo")).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(bo.conversations()->rowOf(dm) >= 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(unreadOf(bo, dm), 1, Timeout);
    const int dmRow = bo.conversations()->rowOf(dm);
    QCOMPARE(bo.conversations()->index(dmRow).data(ConversationListModel::TitleRole).toString(),
             QStringLiteral("Ana"));
    QCOMPARE(bo.conversations()->index(dmRow).data(ConversationListModel::KindRole).toString(),
             QStringLiteral("dm"));
    QCOMPARE(
        bo.conversations()->index(dmRow).data(ConversationListModel::WithMemberIdRole).toString(),
        ana.self().id);
    // DMs after channels.
    QCOMPARE(dmRow, bo.conversations()->rowCount() - 1);
    Conversation *boDm = bo.conversation(dm);
    QVERIFY(boDm);
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(boDm->messages()),
                              QStringList {QStringLiteral("psst, Bo")}, Timeout);
    // Nothing leaked into the channels' timelines, and nothing came twice.
    QTest::qWait(300);
    QCOMPARE(messageTexts(boLobby->messages()), QStringList {QStringLiteral("in lobby")});
    QCOMPARE(messageTexts(boLab->messages()).size(), 2);
    QCOMPARE(boArrived.size(), 4);
    QVERIFY(sequencesStrictlyIncrease(boLab->messages()));

    // Leaving a channel takes it off the list.
    QSignalSpy left(&bo, &HubConnection::conversationLeft);
    bo.leaveChannel(lab);
    QTRY_COMPARE_WITH_TIMEOUT(left.size(), 1, Timeout);
    QCOMPARE(bo.conversations()->rowOf(lab), -1);
}

// Cy, a third member online the whole time, never receives, lists or can open the DM of two
// others.
void TestHubConnection::aThirdMemberNeverSeesADirectMessage()
{
    HubConnection ana;
    HubConnection cy;
    ana.start(
        optionsFor(m_hub->url(), QStringLiteral("Ana"), m_dir->filePath(QStringLiteral("a"))));
    cy.start(optionsFor(m_hub->url(), QStringLiteral("Cy"), m_dir->filePath(QStringLiteral("c"))));
    QTRY_COMPARE_WITH_TIMEOUT(ana.state(), HubConnection::State::Live, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(cy.state(), HubConnection::State::Live, Timeout);
    Member2 bo(m_hub->url(), QStringLiteral("Bo"));
    QVERIFY(bo.signIn());
    QSignalSpy cyArrived(&cy, &HubConnection::messageArrived);

    QSignalSpy opened(&ana, &HubConnection::conversationOpened);
    ana.openDirectMessage(bo.id());
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, Timeout);
    const QString dm = opened.first().at(0).toString();
    ana.conversation(dm)->send(QStringLiteral("for Bo only"));
    QTRY_COMPARE_WITH_TIMEOUT(ana.outboxSize(), 0, Timeout);
    QVERIFY(bo.post(dm, QStringLiteral("for Ana only")) > 0);
    // A message in lobby after both: once Cy has it, Cy's stream has passed the DM's events.
    QVERIFY(bo.post(Lobby, QStringLiteral("in lobby")) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(cyArrived.size(), 1, Timeout);
    QCOMPARE(cyArrived.first().at(0).toString(), Lobby);
    // Ana got both DM messages (so the hub did deliver them).
    QTRY_COMPARE_WITH_TIMEOUT(
        messageTexts(ana.conversation(dm)->messages()),
        (QStringList {QStringLiteral("for Bo only"), QStringLiteral("for Ana only")}), Timeout);

    QCOMPARE(cy.conversations()->rowOf(dm), -1);
    QCOMPARE(cy.conversation(dm), nullptr);
    for (const ConversationInfo &info : cy.conversations()->all())
        QVERIFY(info.kind != QLatin1StringView(protocol::KindDm));
    // A fresh list from the hub does not show it either, and Cy cannot page it: 404, as for a
    // conversation that does not exist.
    const auto list = wait<std::vector<ConversationInfo>>(
        [&](auto done) { cy.api()->fetchConversations(done); });
    QVERIFY(list.ok());
    for (const ConversationInfo &info : *list.value)
        QVERIFY(info.id != dm);
    const auto page
        = wait<HistoryPage>([&](auto done) { cy.api()->fetchConversationPage(dm, 0, 50, done); });
    QCOMPARE(page.error.httpStatus, 404);
    QCOMPARE(page.error.code, QString::fromLatin1(protocol::error::UnknownConversation));
    for (const QList<QVariant> &arrival : std::as_const(cyArrived))
        QVERIFY(arrival.at(0).toString() != dm);
}

void TestHubConnection::hubRestartResumesWithoutLossOrDuplicates()
{
    Member2 ana(m_hub->url(), QStringLiteral("Ana"));
    QVERIFY(ana.signIn());
    const auto channel = wait<ChannelInfo>([&](auto done) {
        ana.api().createChannel(ChannelRequest {QStringLiteral("lab"), QStringLiteral("Lab"), {}},
                                done);
    });
    QVERIFY(channel.ok());
    HubConnection bo;
    bo.start(optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("b"))));
    QTRY_COMPARE_WITH_TIMEOUT(bo.state(), HubConnection::State::Live, Timeout);
    QSignalSpy joined(&bo, &HubConnection::conversationOpened);
    bo.joinChannel(QStringLiteral("lab"));
    QTRY_COMPARE_WITH_TIMEOUT(joined.size(), 1, Timeout);
    Conversation *lobby = bo.conversation(Lobby);
    Conversation *lab = bo.conversation(QStringLiteral("lab"));
    QTRY_VERIFY_WITH_TIMEOUT(lobby->isLoaded() && lab->isLoaded(), Timeout);
    QSignalSpy arrived(&bo, &HubConnection::messageArrived);

    QStringList sentLobby;
    QStringList sentLab;
    auto postBoth = [&](const QString &prefix, int from, int to) {
        for (int i = from; i <= to; ++i) {
            sentLobby.append(QStringLiteral("%1 lobby %2").arg(prefix).arg(i));
            sentLab.append(QStringLiteral("%1 lab %2").arg(prefix).arg(i));
            if (ana.post(Lobby, sentLobby.last()) <= 0
                || ana.post(QStringLiteral("lab"), sentLab.last()) <= 0)
                return false;
        }
        return true;
    };
    QVERIFY(postBoth(QStringLiteral("before"), 1, 10));
    // Mid-stream: some of these may not have reached Bo yet.
    m_hub->kill();
    QTRY_VERIFY_WITH_TIMEOUT(bo.state() == HubConnection::State::Reconnecting, Timeout);
    QVERIFY2(m_hub->start(m_hub->port()), qPrintable(m_hub->errorText()));
    // Posted before Bo is back: the replay must bring them.
    QVERIFY(postBoth(QStringLiteral("after"), 1, 10));
    QTRY_COMPARE_WITH_TIMEOUT(bo.state(), HubConnection::State::Live, Timeout);
    QVERIFY(postBoth(QStringLiteral("after"), 11, 15));
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(lobby->messages()), sentLobby, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(lab->messages()), sentLab, Timeout);
    QVERIFY(sequencesStrictlyIncrease(lobby->messages()));
    QVERIFY(sequencesStrictlyIncrease(lab->messages()));
    QTest::qWait(500);
    // Nothing came twice, late, and every message was announced exactly once.
    QCOMPARE(messageTexts(lobby->messages()), sentLobby);
    QCOMPARE(messageTexts(lab->messages()), sentLab);
    QCOMPARE(arrived.size(), sentLobby.size() + sentLab.size());
}

void TestHubConnection::outboxSurvivesAppAndHubRestart()
{
    const QString storage = m_dir->filePath(QStringLiteral("b"));
    const QUrl hubUrl = m_hub->url();
    Member2 ana(hubUrl, QStringLiteral("Ana"));
    QVERIFY(ana.signIn());
    QVERIFY(wait<ChannelInfo>([&](auto done) {
                ana.api().createChannel(
                    ChannelRequest {QStringLiteral("lab"), QStringLiteral("Lab"), {}}, done);
            }).ok());
    {
        HubConnection bo;
        bo.start(optionsFor(hubUrl, QStringLiteral("Bo"), storage));
        QTRY_COMPARE_WITH_TIMEOUT(bo.state(), HubConnection::State::Live, Timeout);
        QSignalSpy joined(&bo, &HubConnection::conversationOpened);
        bo.joinChannel(QStringLiteral("lab"));
        QTRY_COMPARE_WITH_TIMEOUT(joined.size(), 1, Timeout);
        m_hub->kill();
        QTRY_VERIFY_WITH_TIMEOUT(bo.state() == HubConnection::State::Reconnecting, Timeout);
        QVERIFY(!bo.conversation(Lobby)->send(QStringLiteral("lobby offline")).isEmpty());
        QVERIFY(!bo.conversation(QStringLiteral("lab"))
                     ->send(QStringLiteral("lab offline 1"))
                     .isEmpty());
        QVERIFY(!bo.conversation(QStringLiteral("lab"))
                     ->send(QStringLiteral("lab offline 2"))
                     .isEmpty());
        QCOMPARE(bo.outboxSize(), 3);
        QCOMPARE(bo.conversation(QStringLiteral("lab"))->outboxSize(), 2);
        QCOMPARE(bo.conversation(QStringLiteral("lab"))
                     ->messages()
                     ->index(bo.conversation(QStringLiteral("lab"))->messages()->rowCount() - 1)
                     .data(MessageModel::DeliveryRole)
                     .value<MessageModel::Delivery>(),
                 MessageModel::Delivery::Queued);
        // Written down before anything was sent.
        SessionStore store;
        store.openHub(storage, hubUrl, QStringLiteral("Bo"));
        QCOMPARE(store.loadOutbox().size(), 3);
    } // the app quits with the hub still down

    QVERIFY2(m_hub->start(m_hub->port()), qPrintable(m_hub->errorText()));
    HubConnection bo;
    bo.start(optionsFor(hubUrl, QStringLiteral("Bo"), storage));
    // Shown at once, in their conversations, before the hub answered.
    QCOMPARE(bo.outboxSize(), 3);
    QVERIFY(bo.conversation(QStringLiteral("lab")));
    QCOMPARE(bo.conversation(QStringLiteral("lab"))->messages()->pendingCount(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(bo.outboxSize(), 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(
        messageTexts(bo.conversation(QStringLiteral("lab"))->messages()),
        (QStringList {QStringLiteral("lab offline 1"), QStringLiteral("lab offline 2")}), Timeout);
    QCOMPARE(bo.conversation(QStringLiteral("lab"))->messages()->pendingCount(), 0);
    // A third run has nothing left to send, and the hub holds each message once.
    HubConnection third;
    third.start(optionsFor(hubUrl, QStringLiteral("Bo"), storage));
    QCOMPARE(third.outboxSize(), 0);
    third.stop();
    QCOMPARE(pageTexts(ana.api(), Lobby), QStringList {QStringLiteral("lobby offline")});
    QCOMPARE(pageTexts(ana.api(), QStringLiteral("lab")),
             (QStringList {QStringLiteral("lab offline 1"), QStringLiteral("lab offline 2")}));
}

void TestHubConnection::editAndDeleteUpdateTheRows()
{
    HubConnection ana;
    HubConnection bo;
    ana.start(
        optionsFor(m_hub->url(), QStringLiteral("Ana"), m_dir->filePath(QStringLiteral("a"))));
    bo.start(optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("b"))));
    QTRY_COMPARE_WITH_TIMEOUT(ana.state(), HubConnection::State::Live, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(bo.state(), HubConnection::State::Live, Timeout);
    Conversation *anaLobby = ana.conversation(Lobby);
    Conversation *boLobby = bo.conversation(Lobby);
    QTRY_VERIFY_WITH_TIMEOUT(anaLobby->isLoaded() && boLobby->isLoaded(), Timeout);
    anaLobby->send(QStringLiteral("frist"));
    anaLobby->send(QStringLiteral("to be deleted"));
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(boLobby->messages()).size(), 2, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(anaLobby->messages()->pendingCount(), 0, Timeout);
    const MessageModel *boRows = boLobby->messages();
    const qint64 first = boRows->index(rowWithText(boRows, QStringLiteral("frist")))
                             .data(MessageModel::SequenceRole)
                             .toLongLong();
    const qint64 second = boRows->index(rowWithText(boRows, QStringLiteral("to be deleted")))
                              .data(MessageModel::SequenceRole)
                              .toLongLong();
    QVERIFY(first > 0 && second > first);

    anaLobby->edit(first, QStringLiteral("first"));
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(boRows).first(), QStringLiteral("first"), Timeout);
    const int editedRow = rowWithText(boRows, QStringLiteral("first"));
    QVERIFY(boRows->index(editedRow).data(MessageModel::EditedRole).toDateTime().isValid());
    QVERIFY(!boRows->index(editedRow).data(MessageModel::DeletedRole).toBool());
    anaLobby->remove(second);
    QTRY_VERIFY_WITH_TIMEOUT(boRows->index(editedRow + 1).data(MessageModel::DeletedRole).toBool(),
                             Timeout);
    QCOMPARE(boRows->index(editedRow + 1).data(MessageModel::TextRole).toString(), QString());
    // Ana's own rows follow too.
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(anaLobby->messages()),
                              (QStringList {QStringLiteral("first"), QString()}), Timeout);

    // Bo cannot edit Ana's message: the hub refuses, Bo hears why, nothing changes.
    QSignalSpy failed(&bo, &HubConnection::actionFailed);
    boLobby->edit(first, QStringLiteral("hijacked"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, Timeout);
    QCOMPARE(failed.first().at(0).toString(), QStringLiteral("edit"));
    QCOMPARE(failed.first().at(1).toString(),
             QStringLiteral("Only its author can change a message."));
    QCOMPARE(messageTexts(boRows).first(), QStringLiteral("first"));

    // A client that loads the page afterwards sees the latest state, not the events.
    HubConnection cy;
    cy.start(optionsFor(m_hub->url(), QStringLiteral("Cy"), m_dir->filePath(QStringLiteral("c"))));
    QTRY_COMPARE_WITH_TIMEOUT(cy.state(), HubConnection::State::Live, Timeout);
    Conversation *cyLobby = cy.conversation(Lobby);
    QTRY_VERIFY_WITH_TIMEOUT(cyLobby->isLoaded(), Timeout);
    QCOMPARE(messageTexts(cyLobby->messages()), (QStringList {QStringLiteral("first"), QString()}));
    const int cyFirst = rowWithText(cyLobby->messages(), QStringLiteral("first"));
    QVERIFY(
        cyLobby->messages()->index(cyFirst).data(MessageModel::EditedRole).toDateTime().isValid());
    QVERIFY(cyLobby->messages()->index(cyFirst + 1).data(MessageModel::DeletedRole).toBool());
}

// Bo on two devices (two connections, one saved session): reading on one clears the badges on
// the other, through the hub's `read` event.
void TestHubConnection::readMarksFollowTheMemberAcrossConnections()
{
    const QString storage = m_dir->filePath(QStringLiteral("b"));
    HubConnection laptop;
    laptop.start(optionsFor(m_hub->url(), QStringLiteral("Bo"), storage));
    QTRY_COMPARE_WITH_TIMEOUT(laptop.state(), HubConnection::State::Live, Timeout);
    HubConnection phone; // the same token: the same member
    phone.start(optionsFor(m_hub->url(), QStringLiteral("Bo"), storage));
    QTRY_COMPARE_WITH_TIMEOUT(phone.state(), HubConnection::State::Live, Timeout);
    QCOMPARE(phone.self().id, laptop.self().id);

    Member2 ana(m_hub->url(), QStringLiteral("Ana"));
    QVERIFY(ana.signIn());
    QVERIFY(ana.post(Lobby, QStringLiteral("one")) > 0);
    QVERIFY(ana.post(Lobby, QStringLiteral("two @Bo")) > 0);
    QVERIFY(ana.post(Lobby, QStringLiteral("three")) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(unreadOf(laptop, Lobby), 3, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(unreadOf(phone, Lobby), 3, Timeout);
    QCOMPARE(mentionsOf(phone, Lobby), 1);

    // The laptop opens lobby: read there, and so on the phone.
    laptop.setActiveConversation(Lobby);
    QTRY_COMPARE_WITH_TIMEOUT(unreadOf(laptop, Lobby), 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(unreadOf(phone, Lobby), 0, Timeout);
    QCOMPARE(mentionsOf(phone, Lobby), 0);
    // New messages while the laptop looks at lobby are read there at once, and on the phone.
    QVERIFY(ana.post(Lobby, QStringLiteral("four")) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(
        messageTexts(laptop.conversation(Lobby)->messages()).contains(QStringLiteral("four")), true,
        Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(unreadOf(phone, Lobby), 0, Timeout);
    QTest::qWait(600);
    QCOMPARE(unreadOf(phone, Lobby), 0);
    QCOMPARE(unreadOf(laptop, Lobby), 0);
    // The hub agrees.
    const auto list = wait<std::vector<ConversationInfo>>(
        [&](auto done) { phone.api()->fetchConversations(done); });
    QVERIFY(list.ok());
    for (const ConversationInfo &info : *list.value) {
        if (info.id == Lobby)
            QCOMPARE(info.unread, 0);
    }
}

// A hub with another database on the same address: the saved token is refused (sign in again),
// the stream's id is ahead of that hub (`reset`), and the loaded page is reloaded from it.
void TestHubConnection::resetReloadsTheLoadedPages()
{
    const QString storage = m_dir->filePath(QStringLiteral("b"));
    HubConnection bo;
    bo.start(optionsFor(m_hub->url(), QStringLiteral("Bo"), storage));
    QTRY_COMPARE_WITH_TIMEOUT(bo.state(), HubConnection::State::Live, Timeout);
    Conversation *lobby = bo.conversation(Lobby);
    Member2 ana(m_hub->url(), QStringLiteral("Ana"));
    QVERIFY(ana.signIn());
    for (int i = 1; i <= 5; ++i)
        QVERIFY(ana.post(Lobby, QStringLiteral("old %1").arg(i)) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(lobby->messages()).size(), 5, Timeout);

    const quint16 port = m_hub->port();
    m_hub = std::make_unique<HubProcess>(
        m_dir->filePath(QStringLiteral("other-hub")),
        QStringList {QStringLiteral("--max-rate"), QStringLiteral("0")});
    QVERIFY2(m_hub->start(port), qPrintable(m_hub->errorText()));
    Member2 di(m_hub->url(), QStringLiteral("Di"));
    QVERIFY(di.signIn());
    QVERIFY(di.post(Lobby, QStringLiteral("new hub")) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(lobby->messages()),
                              QStringList {QStringLiteral("new hub")}, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(bo.state(), HubConnection::State::Live, Timeout);
    QVERIFY(di.post(Lobby, QStringLiteral("and live")) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(lobby->messages()),
                              (QStringList {QStringLiteral("new hub"), QStringLiteral("and live")}),
                              Timeout);
    QVERIFY(sequencesStrictlyIncrease(lobby->messages()));
}

namespace {

bool noDuplicateIds(const MessageModel *model)
{
    QSet<qint64> seen;
    for (int row = 0; row < model->rowCount(); ++row) {
        const qint64 sequence = model->index(row).data(MessageModel::SequenceRole).toLongLong();
        if (sequence == 0)
            continue;
        if (seen.contains(sequence))
            return false;
        seen.insert(sequence);
    }
    return true;
}

} // namespace

// Opening a search hit: the page around an old message, no live message after a gap, paging
// forward to the newest without duplicates, and back to the newest in one call (or by sending).
void TestHubConnection::showAroundAMessageAndBackToTheNewest()
{
    Member2 ana(m_hub->url(), QStringLiteral("Ana"));
    QVERIFY(ana.signIn());
    constexpr int Posted = 130;
    std::vector<qint64> ids;
    for (int i = 1; i <= Posted; ++i) {
        ids.push_back(ana.post(Lobby, QStringLiteral("m %1").arg(i)));
        QVERIFY(ids.back() > 0);
    }
    HubConnection bo;
    bo.start(optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("b"))));
    QTRY_COMPARE_WITH_TIMEOUT(bo.state(), HubConnection::State::Live, Timeout);
    Conversation *lobby = bo.conversation(Lobby);
    QTRY_VERIFY_WITH_TIMEOUT(lobby->isLoaded(), Timeout);
    QVERIFY(lobby->isAtNewest());
    QVERIFY(!messageTexts(lobby->messages()).contains(QStringLiteral("m 20")));

    QSignalSpy shown(lobby, &Conversation::shownAround);
    QSignalSpy atNewest(lobby, &Conversation::atNewestChanged);
    lobby->showAround(ids.at(19));
    QVERIFY(!lobby->isAtNewest());
    QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 1, Timeout);
    QCOMPARE(shown.first().at(0).toLongLong(), ids.at(19));
    QStringList texts = messageTexts(lobby->messages());
    for (const char *expected : {"m 2", "m 19", "m 20", "m 21", "m 40"})
        QVERIFY2(texts.contains(QLatin1String(expected)), expected);
    QVERIFY(!texts.contains(QStringLiteral("m 130")));
    QVERIFY(sequencesStrictlyIncrease(lobby->messages()));
    QVERIFY(!lobby->isAtNewest());
    QVERIFY(lobby->canLoadNewer());

    // A live message would sit after a gap: not shown yet.
    QVERIFY(ana.post(Lobby, QStringLiteral("live while away")) > 0);
    QTest::qWait(500);
    QVERIFY(!messageTexts(lobby->messages()).contains(QStringLiteral("live while away")));

    // Forward, page by page (bounded), to the newest: every message once, in order.
    for (int page = 0; page < 10 && !lobby->isAtNewest(); ++page) {
        QTRY_VERIFY_WITH_TIMEOUT(lobby->canLoadNewer(), Timeout);
        lobby->loadNewer();
        QTRY_VERIFY_WITH_TIMEOUT(lobby->canLoadNewer() || lobby->isAtNewest(), Timeout);
    }
    QVERIFY(lobby->isAtNewest());
    QCOMPARE(atNewest.last().at(0).toBool(), true);
    texts = messageTexts(lobby->messages());
    QCOMPARE(texts.last(), QStringLiteral("live while away"));
    QVERIFY(texts.contains(QStringLiteral("m 130")));
    QVERIFY(sequencesStrictlyIncrease(lobby->messages()));
    QVERIFY(noDuplicateIds(lobby->messages()));
    QCOMPARE(texts.count(QStringLiteral("m 100")), 1);

    // Back in one call: the newest page only.
    lobby->showAround(ids.at(4));
    QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 2, Timeout);
    QVERIFY(messageTexts(lobby->messages()).contains(QStringLiteral("m 5")));
    QSignalSpy loaded(lobby, &Conversation::loaded);
    lobby->showNewest();
    QVERIFY(lobby->isAtNewest());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, Timeout);
    texts = messageTexts(lobby->messages());
    QCOMPARE(texts.last(), QStringLiteral("live while away"));
    QVERIFY(!texts.contains(QStringLiteral("m 5")));
    QVERIFY(texts.size() <= Conversation::HistoryPageSize);

    // Sending from an old page goes back to the newest; the message shows once.
    lobby->showAround(ids.at(4));
    QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 3, Timeout);
    QVERIFY(!lobby->send(QStringLiteral("from Bo")).isEmpty());
    QVERIFY(lobby->isAtNewest());
    QTRY_COMPARE_WITH_TIMEOUT(lobby->messages()->pendingCount(), 0, Timeout);
    texts = messageTexts(lobby->messages());
    QCOMPARE(texts.count(QStringLiteral("from Bo")), 1);
    QCOMPARE(texts.last(), QStringLiteral("from Bo"));
    QVERIFY(!texts.contains(QStringLiteral("m 5")));
    QVERIFY(noDuplicateIds(lobby->messages()));

    // No such message here: said, and the newest page again.
    QSignalSpy failed(lobby, &Conversation::aroundFailed);
    lobby->showAround(ids.back() + 100000);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, Timeout);
    QVERIFY(!failed.first().at(1).toString().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(lobby->isAtNewest(), Timeout);
    // The newest page is reloading meanwhile: the list may be empty for a moment.
    const auto newestText = [lobby] {
        const QStringList shownTexts = messageTexts(lobby->messages());
        return shownTexts.isEmpty() ? QString() : shownTexts.last();
    };
    QTRY_COMPARE_WITH_TIMEOUT(newestText(), QStringLiteral("from Bo"), Timeout);
}

QTEST_GUILESS_MAIN(TestHubConnection)
#include "tst_hubconnection.moc"

// The members of the conversation on screen: fetched per conversation, then kept current by the
// stream (a join, a leave, someone going online or offline), and only that conversation's.
void TestHubConnection::conversationMembersFollowJoinsLeavesAndPresence()
{
    HubConnection ana;
    ana.start(
        optionsFor(m_hub->url(), QStringLiteral("Ana"), m_dir->filePath(QStringLiteral("a"))));
    QTRY_COMPARE_WITH_TIMEOUT(ana.state(), HubConnection::State::Live, Timeout);
    Member2 cy(m_hub->url(), QStringLiteral("Cy"));
    QVERIFY(cy.signIn());
    MemberModel *members = ana.conversationMembers();
    QVERIFY(members != ana.members());

    ana.setMembersConversation(Lobby);
    QCOMPARE(ana.membersConversation(), Lobby);
    QTRY_COMPARE_WITH_TIMEOUT(memberRows(members),
                              (QStringList {QStringLiteral("Ana"), QStringLiteral("(Cy)")}),
                              Timeout);

    // A channel of Ana's own: only her, however many are on the hub.
    QSignalSpy opened(&ana, &HubConnection::conversationOpened);
    ana.createChannel(QStringLiteral("Lab"), {});
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, Timeout);
    const QString lab = opened.first().at(0).toString();
    ana.setMembersConversation(lab);
    QTRY_COMPARE_WITH_TIMEOUT(memberRows(members), QStringList {QStringLiteral("Ana")}, Timeout);

    // Bo comes online (his stream opens), joins the channel, goes offline, leaves.
    HubConnection bo;
    bo.start(optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("b"))));
    QTRY_COMPARE_WITH_TIMEOUT(bo.state(), HubConnection::State::Live, Timeout);
    QTest::qWait(300);
    QCOMPARE(memberRows(members), QStringList {QStringLiteral("Ana")}); // online, not in it
    bo.joinChannel(lab);
    QTRY_COMPARE_WITH_TIMEOUT(memberRows(members),
                              (QStringList {QStringLiteral("Ana"), QStringLiteral("Bo")}), Timeout);
    bo.stop();
    QTRY_COMPARE_WITH_TIMEOUT(memberRows(members),
                              (QStringList {QStringLiteral("Ana"), QStringLiteral("(Bo)")}),
                              Timeout); // after the hub's offline grace
    HubApi boApi;
    boApi.setBaseUrl(m_hub->url());
    const auto boSession
        = wait<HubSession>([&](auto done) { boApi.signInToHub(QStringLiteral("Bo2"), {}, done); });
    QVERIFY(boSession.ok());
    QVERIFY(wait<ChannelInfo>([&](auto done) { boApi.joinChannel(lab, done); }).ok());
    QTRY_COMPARE_WITH_TIMEOUT(
        memberRows(members),
        (QStringList {QStringLiteral("Ana"), QStringLiteral("(Bo)"), QStringLiteral("(Bo2)")}),
        Timeout);
    QVERIFY(wait<HubApi::Nothing>([&](auto done) { boApi.leaveChannel(lab, done); }).ok());
    QTRY_COMPARE_WITH_TIMEOUT(memberRows(members),
                              (QStringList {QStringLiteral("Ana"), QStringLiteral("(Bo)")}),
                              Timeout);

    // A DM: the two of them, whatever else happens on the hub.
    opened.clear();
    ana.openDirectMessage(cy.id());
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, Timeout);
    const QString dm = opened.first().at(0).toString();
    ana.setMembersConversation(dm);
    QTRY_COMPARE_WITH_TIMEOUT(memberRows(members),
                              (QStringList {QStringLiteral("Ana"), QStringLiteral("(Cy)")}),
                              Timeout);
    // The REST call itself, for a third member: refused as if the DM did not exist.
    const auto third = wait<std::vector<MemberInfo>>(
        [&](auto done) { boApi.fetchConversationMembers(dm, done); });
    QVERIFY(!third.ok());
    QCOMPARE(third.error.httpStatus, 404);

    ana.setMembersConversation({});
    QCOMPARE(members->rowCount(), 0);
}
