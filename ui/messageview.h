#pragma once
// The room's timeline: a QListView over MessageModel, drawn by MessageDelegate.
// Follows new messages while the user is at the bottom, keeps the reading position while older
// pages are prepended, asks for older history near the top, opens links and copies text, and
// offers Edit and Delete on the user's own messages.

#include <QListView>
#include <QTimer>

class QMenu;

namespace confab {

class MessageDelegate;
class TimelineWindow;

class MessageView : public QListView
{
    Q_OBJECT
public:
    explicit MessageView(QWidget *parent = nullptr);

    // The view shows a window of the timeline (see TimelineWindow); model() is that window.
    void setModel(QAbstractItemModel *model) override;
    QAbstractItemModel *timeline() const;
    MessageDelegate *messageDelegate() const;

    bool isAtBottom() const;
    void scrollToNewest();
    // Scrolls that message to the middle and highlights it (selected) for a moment; false when
    // it is not shown.
    bool revealMessage(qint64 messageId);
    static constexpr int RevealHighlightMs = 2500;
    // Off while an older page is shown: rows added at the bottom (the next page towards the
    // newest) then stay below the reader instead of scrolling the view along.
    void setFollowNewest(bool follow);
    // Plain text of the selected rows ("Name, time: text" per line) for the clipboard.
    QString selectedText() const;
    void copySelection() const;
    // The user's own delivered, not deleted message: the context menu offers Edit and Delete.
    static bool isEditable(const QModelIndex &index);
    // The context menu for the row at pos (viewport coordinates); the caller owns it.
    QMenu *createContextMenu(QPoint pos);

signals:
    void olderHistoryWanted();
    void linkActivated(const QString &url);
    // A click on an attachment's thumbnail or Save… (an attachmentview link).
    void attachmentActivated(const QString &link);
    void editRequested(qint64 messageId);
    void deleteRequested(qint64 messageId);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void currentChanged(const QModelIndex &current, const QModelIndex &previous) override;

private:
    enum class Anchor { None, Bottom, KeepDistanceFromBottom };

    QString linkAtPosition(QPoint pos) const;
    void rowsAboutToBeAdded(const QModelIndex &parent, int first, int last);
    void onRangeChanged(int minimum, int maximum);
    void onScrolled(int value);
    void closeOpenViewer();
    void trimWhileFollowing();
    void deselectDeleted(int first, int last);

    MessageDelegate *m_delegate;
    TimelineWindow *m_window;
    QTimer m_trimTimer;
    QTimer m_revealTimer; // ends a revealed message's highlight
    QPersistentModelIndex m_revealed;
    Anchor m_anchor = Anchor::Bottom;
    bool m_followNewest = true;
    int m_distanceFromBottom = 0;
    QPersistentModelIndex m_viewerIndex; // the row whose text viewer is open, if any
    QPoint m_pressPos;
};

} // namespace confab
