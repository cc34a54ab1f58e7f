#pragma once
// The part of the room's timeline the view lays out: its newest rows, from a first row to the
// end, growing when the user scrolls up. QListView re-lays out every row on each insertion, so
// with 100,000 rows a stream of messages would keep it busy and the newest would never reach
// the screen; a bounded window keeps each layout to a few milliseconds while the whole history
// stays in the model. Every operation here is O(rows changed), never O(history).

#include <QAbstractListModel>
#include <QPointer>

namespace confab {

class TimelineWindow : public QAbstractListModel
{
    Q_OBJECT
public:
    static constexpr int KeepRows = 200; // rows left after trimming
    static constexpr int MaxRows = 400; // trim when following the bottom beyond this
    static constexpr int GrowRows = 200; // rows added per step when scrolling up

    explicit TimelineWindow(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *source);
    QAbstractItemModel *sourceModel() const;
    int firstSourceRow() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    bool showsEverything() const;
    // Shows up to `rows` more of the older rows already in memory; false when there are none.
    bool growUp(int rows = GrowRows);
    // Drops the oldest shown rows down to KeepRows (call while the newest rows are on screen).
    void trim();

private:
    void sourceRowsAboutToBeInserted(const QModelIndex &parent, int first, int last);
    void sourceRowsInserted(const QModelIndex &parent, int first, int last);
    void sourceRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void sourceRowsRemoved(const QModelIndex &parent, int first, int last);
    void sourceDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                           const QList<int> &roles);
    void beginSourceReset();
    void endSourceReset();

    QPointer<QAbstractItemModel> m_source;
    int m_first = 0; // first source row shown
    bool m_inserting = false; // a source insertion is being passed on
    bool m_removing = false; // a source removal is being passed on
    int m_removedAbove = 0; // rows of the current removal above the window
    int m_insertedAbove = 0; // rows of the current insertion above the window
};

} // namespace confab
