#include "timelinewindow.h"

namespace confab {

TimelineWindow::TimelineWindow(QObject *parent)
    : QAbstractListModel(parent)
{ }

void TimelineWindow::setSourceModel(QAbstractItemModel *source)
{
    beginResetModel();
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    m_first = 0;
    if (source) {
        connect(source, &QAbstractItemModel::rowsAboutToBeInserted, this,
                &TimelineWindow::sourceRowsAboutToBeInserted);
        connect(source, &QAbstractItemModel::rowsInserted, this,
                &TimelineWindow::sourceRowsInserted);
        connect(source, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                &TimelineWindow::sourceRowsAboutToBeRemoved);
        connect(source, &QAbstractItemModel::rowsRemoved, this, &TimelineWindow::sourceRowsRemoved);
        connect(source, &QAbstractItemModel::dataChanged, this, &TimelineWindow::sourceDataChanged);
        // Anything that reorders rows wholesale is rare (a reload): start over, everything shown.
        connect(source, &QAbstractItemModel::modelAboutToBeReset, this,
                &TimelineWindow::beginSourceReset);
        connect(source, &QAbstractItemModel::layoutAboutToBeChanged, this,
                &TimelineWindow::beginSourceReset);
        connect(source, &QAbstractItemModel::rowsAboutToBeMoved, this,
                &TimelineWindow::beginSourceReset);
        connect(source, &QAbstractItemModel::modelReset, this, &TimelineWindow::endSourceReset);
        connect(source, &QAbstractItemModel::layoutChanged, this, &TimelineWindow::endSourceReset);
        connect(source, &QAbstractItemModel::rowsMoved, this, &TimelineWindow::endSourceReset);
    }
    endResetModel();
}

QAbstractItemModel *TimelineWindow::sourceModel() const
{
    return m_source;
}

int TimelineWindow::firstSourceRow() const
{
    return m_first;
}

int TimelineWindow::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !m_source)
        return 0;
    return qMax(0, m_source->rowCount() - m_first);
}

QVariant TimelineWindow::data(const QModelIndex &index, int role) const
{
    if (!m_source || !index.isValid())
        return {};
    return m_source->index(m_first + index.row(), 0).data(role);
}

QHash<int, QByteArray> TimelineWindow::roleNames() const
{
    return m_source ? m_source->roleNames() : QAbstractListModel::roleNames();
}

bool TimelineWindow::showsEverything() const
{
    return m_first == 0;
}

bool TimelineWindow::growUp(int rows)
{
    if (m_first == 0 || rows <= 0)
        return false;
    const int newFirst = qMax(0, m_first - rows);
    beginInsertRows({}, 0, m_first - newFirst - 1);
    m_first = newFirst;
    endInsertRows();
    return true;
}

void TimelineWindow::trim()
{
    const int shown = rowCount();
    if (shown <= MaxRows)
        return;
    const int drop = shown - KeepRows;
    beginRemoveRows({}, 0, drop - 1);
    m_first += drop;
    endRemoveRows();
}

void TimelineWindow::sourceRowsAboutToBeInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int count = last - first + 1;
    // Rows above a trimmed window stay out of it (they are older than what is shown); with
    // everything shown (m_first == 0) they come in, e.g. a page of older history.
    if (m_first > 0 && first < m_first) {
        m_insertedAbove = count;
        return;
    }
    m_inserting = true;
    beginInsertRows({}, first - m_first, first - m_first + count - 1);
}

void TimelineWindow::sourceRowsInserted(const QModelIndex &parent, int, int)
{
    if (parent.isValid())
        return;
    if (m_insertedAbove > 0) {
        m_first += m_insertedAbove;
        m_insertedAbove = 0;
    }
    if (m_inserting) {
        m_inserting = false;
        endInsertRows();
    }
}

void TimelineWindow::sourceRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    m_removedAbove = qMax(0, qMin(last, m_first - 1) - first + 1);
    const int firstShown = qMax(first, m_first);
    if (last >= firstShown) {
        m_removing = true;
        beginRemoveRows({}, firstShown - m_first, last - m_first);
    }
}

void TimelineWindow::sourceRowsRemoved(const QModelIndex &parent, int, int)
{
    if (parent.isValid())
        return;
    if (m_removing) {
        // The window's own rows are gone; shifting m_first keeps the rest where they were.
        m_first -= m_removedAbove;
        m_removedAbove = 0;
        m_removing = false;
        endRemoveRows();
        return;
    }
    m_first -= m_removedAbove;
    m_removedAbove = 0;
}

void TimelineWindow::sourceDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                       const QList<int> &roles)
{
    const int first = qMax(topLeft.row(), m_first);
    const int last = bottomRight.row();
    if (last < first)
        return;
    emit dataChanged(index(first - m_first), index(last - m_first), roles);
}

void TimelineWindow::beginSourceReset()
{
    beginResetModel();
}

void TimelineWindow::endSourceReset()
{
    m_first = 0;
    endResetModel();
}

} // namespace confab
