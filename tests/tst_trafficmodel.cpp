// The traffic table's model and filter model: batches insert once, updates land
// in place by id, the ring buffer drops the oldest rows, filters read roles, and
// QAbstractItemModelTester watches every change.

#include "TrafficFilterModel.h"
#include "TrafficModel.h"
#include "TrafficSortModel.h"
#include "TrafficStyle.h"

#include <QAbstractItemModelTester>
#include <QPalette>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace Switchyard;

namespace {

struct Spec
{
    quint64 id = 0;
    LogPhase phase = LogPhase::Finished;
    QString host = QStringLiteral("example.test");
    int status = 200;
    QString route = QStringLiteral("direct");
    LogProtocol protocol = LogProtocol::Http;
    QByteArray method = "GET";
    QString path = QStringLiteral("/");
    QString error = {};
    qint64 durationUs = 1000;
};

LogEvent makeEvent(const Spec& spec)
{
    LogEvent e;
    e.id = spec.id;
    e.phase = spec.phase;
    e.startedAtMs = 1'700'000'000'000 + qint64(spec.id);
    e.clientAddress = QStringLiteral("127.0.0.1:4%1").arg(spec.id % 10000, 4, 10, QLatin1Char('0'));
    e.protocol = spec.protocol;
    e.host = spec.host;
    e.port = 80;
    if (e.isTunnel() && e.protocol != LogProtocol::WebSocket) {
        e.port = 443;
        e.target = spec.host + QStringLiteral(":443");
        e.method = spec.protocol == LogProtocol::Connect ? QByteArray("CONNECT") : QByteArray();
    } else {
        e.method = spec.method;
        e.target = QStringLiteral("http://") + spec.host + spec.path;
    }
    e.route = spec.route;
    e.error = spec.error;
    if (spec.phase == LogPhase::Finished) {
        e.status = spec.status;
        e.durationUs = spec.durationUs;
        e.bytesDown = 100 * spec.id;
    }
    return e;
}

LogEvent finished(quint64 id)
{
    return makeEvent({.id = id});
}

LogEventBatch range(quint64 first, quint64 last, LogPhase phase = LogPhase::Finished)
{
    LogEventBatch batch;
    for (quint64 id = first; id <= last; ++id)
        batch.append(makeEvent({.id = id, .phase = phase}));
    return batch;
}

QList<quint64> ids(const QAbstractItemModel& model)
{
    QList<quint64> out;
    for (int row = 0; row < model.rowCount(); ++row)
        out.append(model.index(row, 0).data(TrafficModel::IdRole).value<quint64>());
    return out;
}

QList<quint64> idRange(quint64 first, quint64 last)
{
    QList<quint64> out;
    for (quint64 id = first; id <= last; ++id)
        out.append(id);
    return out;
}

} // namespace

class TestTrafficModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void emptyModel();
    void batchIsOneInsertion();
    void updatesInPlace();
    void sameIdTwiceInOneBatch();
    void ringBufferDropsOldest();
    void batchLargerThanCap();
    void shrinkingTheCap();
    void updateAfterRowWasDropped();
    void pausedIgnoresNewRows();
    void importedRowsNeverMatchLiveIds();
    void clear();
    void rolesCarryRawValues();
    void displayStrings();
    void filters_data();
    void filters();
    void filtersCombine();
    void filterFollowsUpdates();
    void filterSurvivesRingBuffer();
    void sortsByRawValues();
    void sortedStreamIsOneInsertionPerBatch();
    void sortedRingBuffer();
    void sortedUpdatesMoveRows();
    void sortedFilterChanges();
    void sortedRandomWorkload();
    void coloursAreReadable_data();
    void coloursAreReadable();

private:
    bool isSorted(int column, Qt::SortOrder order) const;

    TrafficModel* m_model = nullptr;
    TrafficFilterModel* m_filter = nullptr;
    TrafficSortModel* m_sort = nullptr;
    QAbstractItemModelTester* m_modelTester = nullptr;
    QAbstractItemModelTester* m_filterTester = nullptr;
    QAbstractItemModelTester* m_sortTester = nullptr;
};

void TestTrafficModel::init()
{
    m_model = new TrafficModel(this);
    m_filter = new TrafficFilterModel(this);
    m_filter->setSourceModel(m_model);
    m_modelTester = new QAbstractItemModelTester(
        m_model, QAbstractItemModelTester::FailureReportingMode::QtTest, this);
    m_filterTester = new QAbstractItemModelTester(
        m_filter, QAbstractItemModelTester::FailureReportingMode::QtTest, this);
    m_sort = new TrafficSortModel(this);
    m_sort->setSourceModel(m_filter);
    m_sortTester = new QAbstractItemModelTester(
        m_sort, QAbstractItemModelTester::FailureReportingMode::QtTest, this);
}

void TestTrafficModel::cleanup()
{
    delete m_sortTester;
    delete m_filterTester;
    delete m_modelTester;
    delete m_sort;
    delete m_filter;
    delete m_model;
}

void TestTrafficModel::emptyModel()
{
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->columnCount(), int(TrafficModel::ColumnCount));
    QCOMPARE(m_model->maxEntries(), 100'000);
    QVERIFY(m_model->isCapturing());
    for (int column = 0; column < TrafficModel::ColumnCount; ++column)
        QVERIFY(!m_model->headerData(column, Qt::Horizontal).toString().isEmpty());
    QCOMPARE(m_model->rowOfId(1), -1);
}

void TestTrafficModel::batchIsOneInsertion()
{
    QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
    m_model->addEvents(range(1, 50));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 49);
    QCOMPARE(changed.size(), 0);
    m_model->addEvents(range(51, 60));
    QCOMPARE(inserted.size(), 2);
    QCOMPARE(inserted.at(1).at(1).toInt(), 50);
    QCOMPARE(inserted.at(1).at(2).toInt(), 59);
    QCOMPARE(ids(*m_model), idRange(1, 60));
    m_model->addEvents({});
    QCOMPARE(inserted.size(), 2);
}

void TestTrafficModel::updatesInPlace()
{
    m_model->addEvents(range(1, 5, LogPhase::Started));
    QCOMPARE(m_model->index(1, TrafficModel::DurationColumn).data().toString(),
             QStringLiteral("…"));
    QVERIFY(!m_model->index(1, 0).data(TrafficModel::FinishedRole).toBool());

    QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
    LogEventBatch batch{makeEvent({.id = 2, .status = 404}), makeEvent({.id = 4}), finished(6)};
    m_model->addEvents(batch);
    // One dataChanged over rows 1..3 (ids 2 and 4), one insertion for id 6.
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 1);
    QCOMPARE(changed.at(0).at(1).value<QModelIndex>().row(), 3);
    QCOMPARE(changed.at(0).at(1).value<QModelIndex>().column(), TrafficModel::ColumnCount - 1);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(m_model->rowCount(), 6);
    QCOMPARE(m_model->index(1, TrafficModel::StatusColumn).data().toString(),
             QStringLiteral("404"));
    QVERIFY(m_model->index(1, 0).data(TrafficModel::FinishedRole).toBool());
    QVERIFY(m_model->index(1, 0).data(TrafficModel::FailedRole).toBool());
    QVERIFY(!m_model->index(2, 0).data(TrafficModel::FinishedRole).toBool());
    QCOMPARE(m_model->rowOfId(4), 3);
    QCOMPARE(m_model->eventAt(3).phase, LogPhase::Finished);
}

void TestTrafficModel::sameIdTwiceInOneBatch()
{
    QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
    m_model->addEvents({makeEvent({.id = 9, .phase = LogPhase::Started}), finished(10),
                        makeEvent({.id = 9, .status = 500})});
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(ids(*m_model), (QList<quint64>{9, 10}));
    QCOMPARE(m_model->eventAt(0).status, 500);
}

void TestTrafficModel::ringBufferDropsOldest()
{
    m_model->setMaxEntries(10);
    QSignalSpy removed(m_model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
    quint64 next = 1;
    for (int batch = 0; batch < 4; ++batch) {
        m_model->addEvents(range(next, next + 6));
        next += 7;
        QVERIFY(m_model->rowCount() <= 10);
    }
    // 28 events, 10 kept: 19..28; the oldest went first, in one removal per batch.
    QCOMPARE(ids(*m_model), idRange(19, 28));
    QCOMPARE(inserted.size(), 4);
    QCOMPARE(removed.size(), 3);
    for (const QList<QVariant>& removal : std::as_const(removed))
        QCOMPARE(removal.at(1).toInt(), 0);
    QCOMPARE(m_model->droppedCount(), quint64(18));
    QCOMPARE(m_model->rowOfId(18), -1);
    QCOMPARE(m_model->rowOfId(19), 0);
    QCOMPARE(m_model->rowOfId(28), 9);
    // Updates still find their rows after the front moved.
    m_model->addEvents({makeEvent({.id = 25, .status = 503})});
    QCOMPARE(m_model->eventAt(6).status, 503);
}

void TestTrafficModel::batchLargerThanCap()
{
    m_model->setMaxEntries(10);
    m_model->addEvents(range(1, 5));
    m_model->addEvents(range(6, 30));
    QCOMPARE(ids(*m_model), idRange(21, 30));
    QCOMPARE(m_model->rowOfId(5), -1);
    QCOMPARE(m_model->rowOfId(21), 0);
}

void TestTrafficModel::shrinkingTheCap()
{
    m_model->addEvents(range(1, 100));
    QSignalSpy count(m_model, &TrafficModel::countChanged);
    m_model->setMaxEntries(30);
    QCOMPARE(ids(*m_model), idRange(71, 100));
    QCOMPARE(count.size(), 1);
    m_model->setMaxEntries(0); // at least one row
    QCOMPARE(m_model->maxEntries(), 1);
    QCOMPARE(ids(*m_model), (QList<quint64>{100}));
}

void TestTrafficModel::updateAfterRowWasDropped()
{
    m_model->setMaxEntries(3);
    m_model->addEvents(range(1, 3, LogPhase::Started));
    m_model->addEvents(range(4, 6));
    // Exchange 1 finishes after its row was dropped: it comes back as a new row.
    m_model->addEvents({finished(1)});
    QCOMPARE(ids(*m_model), (QList<quint64>{5, 6, 1}));
}

void TestTrafficModel::pausedIgnoresNewRows()
{
    m_model->addEvents(range(1, 2, LogPhase::Started));
    m_model->setCapturing(false);
    QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
    m_model->addEvents({finished(2), finished(3), finished(4)});
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(ids(*m_model), (QList<quint64>{1, 2}));
    QCOMPARE(m_model->eventAt(1).phase, LogPhase::Finished); // shown rows still complete
    m_model->setCapturing(true);
    m_model->addEvents({finished(5)});
    QCOMPARE(ids(*m_model), (QList<quint64>{1, 2, 5}));
}

void TestTrafficModel::importedRowsNeverMatchLiveIds()
{
    m_model->addImported({finished(1), finished(2)});
    m_model->addEvents({makeEvent({.id = 1, .phase = LogPhase::Started})});
    QCOMPARE(ids(*m_model), (QList<quint64>{1, 2, 1}));
    QCOMPARE(m_model->eventAt(0).phase, LogPhase::Finished);
    QCOMPARE(m_model->rowOfId(1), 2);
    m_model->addEvents({finished(1)});
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->eventAt(2).phase, LogPhase::Finished);
    // Dropping an imported row leaves the live id alone.
    m_model->setMaxEntries(2);
    QCOMPARE(m_model->rowOfId(1), 1);
}

void TestTrafficModel::clear()
{
    m_model->addEvents(range(1, 10, LogPhase::Started));
    QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
    m_model->clear();
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->rowOfId(3), -1);
    m_model->addEvents({finished(3)});
    QCOMPARE(ids(*m_model), (QList<quint64>{3}));
}

void TestTrafficModel::rolesCarryRawValues()
{
    LogEvent tunnel = makeEvent({.id = 7,
                                 .host = QStringLiteral("Secure.Example.test"),
                                 .status = 0,
                                 .route = QStringLiteral("Office VPN"),
                                 .protocol = LogProtocol::Socks5});
    tunnel.socksReply = 1;
    m_model->addEvents({tunnel, makeEvent({.id = 8, .route = QStringLiteral("blocked")})});
    const QModelIndex socks = m_model->index(0, TrafficModel::BytesDownColumn);
    QCOMPARE(socks.data(TrafficModel::IdRole).value<quint64>(), quint64(7));
    QCOMPARE(socks.data(TrafficModel::HostRole).toString(), QStringLiteral("Secure.Example.test"));
    QCOMPARE(socks.data(TrafficModel::UrlRole).toString(),
             QStringLiteral("Secure.Example.test:443"));
    QCOMPARE(socks.data(TrafficModel::ProtocolRole).toInt(), int(LogProtocol::Socks5));
    QCOMPARE(socks.data(TrafficModel::RouteKindRole).toInt(), int(TrafficRouteKind::Exit));
    QCOMPARE(socks.data(TrafficModel::RouteRole).toString(), QStringLiteral("Office VPN"));
    QVERIFY(socks.data(TrafficModel::FailedRole).toBool()); // SOCKS reply 1
    QVERIFY(!socks.data(TrafficModel::BlockedRole).toBool());
    QCOMPARE(socks.data(TrafficModel::SortRole).value<quint64>(), quint64(700));
    QCOMPARE(socks.data(TrafficModel::SortRole).userType(), int(QMetaType::ULongLong));
    const QModelIndex blocked = m_model->index(1, TrafficModel::RouteColumn);
    QVERIFY(blocked.data(TrafficModel::BlockedRole).toBool());
    QCOMPARE(blocked.data(TrafficModel::RouteKindRole).toInt(), int(TrafficRouteKind::Blocked));
    QCOMPARE(
        m_model->index(1, TrafficModel::DurationColumn).data(TrafficModel::SortRole).toLongLong(),
        qint64(1000));
    QVERIFY(m_model->roleNames().contains(TrafficModel::HostRole));
}

void TestTrafficModel::displayStrings()
{
    LogEvent socks = makeEvent({.id = 1, .status = 0, .protocol = LogProtocol::Socks5});
    LogEvent failed = makeEvent({.id = 2,
                                 .status = 0,
                                 .path = QStringLiteral("/a/b?c=d"),
                                 .error = QStringLiteral("connection refused"),
                                 .durationUs = 2'500'000});
    m_model->addEvents({socks, failed, makeEvent({.id = 3, .phase = LogPhase::Started})});
    const auto text = [this](int row, int column) {
        return m_model->index(row, column).data().toString();
    };
    QCOMPARE(text(0, TrafficModel::ProtocolColumn), QStringLiteral("SOCKS5"));
    QCOMPARE(text(0, TrafficModel::StatusColumn), QStringLiteral("OK"));
    QCOMPARE(text(0, TrafficModel::TargetColumn), QStringLiteral("example.test:443"));
    QCOMPARE(text(0, TrafficModel::RouteColumn), QStringLiteral("direct"));
    QCOMPARE(text(0, TrafficModel::RuleColumn), QStringLiteral("default"));
    QCOMPARE(text(1, TrafficModel::TargetColumn), QStringLiteral("/a/b?c=d"));
    QCOMPARE(text(1, TrafficModel::StatusColumn), QStringLiteral("error"));
    QCOMPARE(text(1, TrafficModel::MethodColumn), QStringLiteral("GET"));
    QVERIFY(text(1, TrafficModel::DurationColumn).endsWith(QStringLiteral(" s")));
    QCOMPARE(m_model->index(1, TrafficModel::StatusColumn).data(Qt::ToolTipRole).toString(),
             QStringLiteral("connection refused"));
    QCOMPARE(text(2, TrafficModel::StatusColumn), QStringLiteral("…"));
    QCOMPARE(text(2, TrafficModel::NumberColumn), QStringLiteral("3"));
    QCOMPARE(m_model->index(0, TrafficModel::BytesUpColumn).data(Qt::TextAlignmentRole).toInt(),
             int(Qt::AlignRight | Qt::AlignVCenter));
}

void TestTrafficModel::filters_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("errorsOnly");
    QTest::addColumn<bool>("blockedOnly");
    QTest::addColumn<QString>("route");
    QTest::addColumn<int>("protocol"); // -1: any
    QTest::addColumn<TrafficFilterModel::StatusClass>("statusClass");
    QTest::addColumn<QList<quint64>>("expected");

    using SC = TrafficFilterModel::StatusClass;
    const QString any;
    QTest::newRow("nothing") << any << false << false << any << -1 << SC::Any << idRange(1, 8);
    QTest::newRow("host, any case") << QStringLiteral("ALPHA") << false << false << any << -1
                                    << SC::Any << QList<quint64>{1, 2};
    QTest::newRow("url path") << QStringLiteral("/checkout") << false << false << any << -1
                              << SC::Any << QList<quint64>{3};
    QTest::newRow("method") << QStringLiteral("post") << false << false << any << -1 << SC::Any
                            << QList<quint64>{4};
    QTest::newRow("no match") << QStringLiteral("zzz") << false << false << any << -1 << SC::Any
                              << QList<quint64>{};
    QTest::newRow("errors only") << any << true << false << any << -1 << SC::Any
                                 << QList<quint64>{2, 5, 6};
    QTest::newRow("blocked only") << any << false << true << any << -1 << SC::Any
                                  << QList<quint64>{7};
    QTest::newRow("one route") << any << false << false << QStringLiteral("Office VPN") << -1
                               << SC::Any << QList<quint64>{3, 8};
    QTest::newRow("one protocol") << any << false << false << any << int(LogProtocol::Connect)
                                  << SC::Any << QList<quint64>{8};
    QTest::newRow("2xx") << any << false << false << any << -1 << SC::Success
                         << QList<quint64>{1, 3, 4, 8};
    QTest::newRow("4xx") << any << false << false << any << -1 << SC::ClientError
                         << QList<quint64>{2, 7};
    QTest::newRow("5xx") << any << false << false << any << -1 << SC::ServerError
                         << QList<quint64>{5};
    QTest::newRow("no status") << any << false << false << any << -1 << SC::None
                               << QList<quint64>{6};
}

void TestTrafficModel::filters()
{
    QFETCH(QString, text);
    QFETCH(bool, errorsOnly);
    QFETCH(bool, blockedOnly);
    QFETCH(QString, route);
    QFETCH(int, protocol);
    QFETCH(TrafficFilterModel::StatusClass, statusClass);
    QFETCH(QList<quint64>, expected);

    m_model->addEvents({
        makeEvent({.id = 1, .host = QStringLiteral("alpha.test")}),
        makeEvent({.id = 2, .host = QStringLiteral("www.alpha.test"), .status = 404}),
        makeEvent(
            {.id = 3, .route = QStringLiteral("Office VPN"), .path = QStringLiteral("/checkout")}),
        makeEvent({.id = 4, .method = "POST"}),
        makeEvent({.id = 5, .status = 502}),
        makeEvent({.id = 6, .status = 0, .error = QStringLiteral("timed out")}),
        makeEvent({.id = 7, .status = 403, .route = QStringLiteral("blocked")}),
        makeEvent(
            {.id = 8, .route = QStringLiteral("Office VPN"), .protocol = LogProtocol::Connect}),
    });
    m_filter->setText(text);
    m_filter->setErrorsOnly(errorsOnly);
    m_filter->setBlockedOnly(blockedOnly);
    m_filter->setRoute(route);
    m_filter->setProtocol(protocol < 0 ? std::nullopt
                                       : std::optional<LogProtocol>(LogProtocol(protocol)));
    m_filter->setStatusClass(statusClass);
    QCOMPARE(ids(*m_filter), expected);
    QCOMPARE(m_filter->isFiltering(), expected.size() != 8);
}

void TestTrafficModel::filtersCombine()
{
    m_model->addEvents({makeEvent({.id = 1, .host = QStringLiteral("a.test"), .status = 500}),
                        makeEvent({.id = 2, .host = QStringLiteral("b.test"), .status = 500}),
                        makeEvent({.id = 3, .host = QStringLiteral("a.test")})});
    m_filter->setText(QStringLiteral("a.test"));
    m_filter->setErrorsOnly(true);
    QCOMPARE(ids(*m_filter), (QList<quint64>{1}));
    m_filter->setText(QString());
    QCOMPARE(ids(*m_filter), (QList<quint64>{1, 2}));
}

void TestTrafficModel::filterFollowsUpdates()
{
    m_filter->setErrorsOnly(true);
    m_model->addEvents(range(1, 3, LogPhase::Started));
    QCOMPARE(m_filter->rowCount(), 0);
    m_model->addEvents({makeEvent({.id = 2, .status = 500})});
    QCOMPARE(ids(*m_filter), (QList<quint64>{2}));
    m_model->addEvents({makeEvent({.id = 4, .status = 503}), finished(1)});
    QCOMPARE(ids(*m_filter), (QList<quint64>{2, 4}));
}

void TestTrafficModel::filterSurvivesRingBuffer()
{
    m_model->setMaxEntries(50);
    m_filter->setText(QStringLiteral("odd"));
    for (quint64 first = 1; first <= 200; first += 20) {
        LogEventBatch batch;
        for (quint64 id = first; id < first + 20; ++id)
            batch.append(makeEvent(
                {.id = id,
                 .host = (id % 2 ? QStringLiteral("odd.test") : QStringLiteral("even.test"))}));
        m_model->addEvents(batch);
    }
    QList<quint64> expected;
    for (quint64 id = 151; id <= 200; id += 2)
        expected.append(id);
    QCOMPARE(ids(*m_filter), expected);
}

void TestTrafficModel::sortsByRawValues()
{
    m_model->addEvents({makeEvent({.id = 1, .durationUs = 9'000}),
                        makeEvent({.id = 2, .durationUs = 10'000'000}),
                        makeEvent({.id = 3, .durationUs = 80'000})});
    QCOMPARE(ids(*m_sort), (QList<quint64>{1, 2, 3})); // arrival order until sorted
    m_sort->sort(TrafficModel::DurationColumn, Qt::AscendingOrder);
    // Numbers, not strings ("10.00 s" < "80 ms" < "9.0 ms" as text).
    QCOMPARE(ids(*m_sort), (QList<quint64>{1, 3, 2}));
    m_sort->sort(TrafficModel::NumberColumn, Qt::DescendingOrder);
    QCOMPARE(ids(*m_sort), (QList<quint64>{3, 2, 1}));
    m_model->addEvents({finished(4)});
    QCOMPARE(ids(*m_sort), (QList<quint64>{4, 3, 2, 1}));
    m_sort->sort(-1);
    QCOMPARE(ids(*m_sort), (QList<quint64>{1, 2, 3, 4}));
}

bool TestTrafficModel::isSorted(int column, Qt::SortOrder order) const
{
    for (int row = 1; row < m_sort->rowCount(); ++row) {
        const QVariant a = m_sort->index(row - 1, column).data(TrafficModel::SortRole);
        const QVariant b = m_sort->index(row, column).data(TrafficModel::SortRole);
        const auto ordering = QVariant::compare(a, b);
        if (ordering ==
            (order == Qt::AscendingOrder ? QPartialOrdering::Greater : QPartialOrdering::Less))
            return false;
    }
    return true;
}

void TestTrafficModel::sortedStreamIsOneInsertionPerBatch()
{
    m_sort->sort(TrafficModel::HostColumn, Qt::AscendingOrder);
    QSignalSpy inserted(m_sort, &QAbstractItemModel::rowsInserted);
    QSignalSpy layouts(m_sort, &QAbstractItemModel::layoutChanged);
    quint64 next = 1;
    for (int batch = 0; batch < 5; ++batch) {
        LogEventBatch events;
        for (int i = 0; i < 30; ++i, ++next)
            events.append(
                makeEvent({.id = next, .host = QStringLiteral("h%1.test").arg(next * 37 % 101)}));
        m_model->addEvents(events);
    }
    QCOMPARE(m_sort->rowCount(), 150);
    QCOMPARE(inserted.size(), 5);
    QVERIFY(layouts.size() <= 5);
    QVERIFY(isSorted(TrafficModel::HostColumn, Qt::AscendingOrder));
    // Equal hosts keep arrival order.
    for (int row = 1; row < m_sort->rowCount(); ++row) {
        const QModelIndex a = m_sort->index(row - 1, TrafficModel::HostColumn);
        const QModelIndex b = m_sort->index(row, TrafficModel::HostColumn);
        if (a.data().toString() == b.data().toString())
            QVERIFY(a.data(TrafficModel::IdRole).toULongLong() <
                    b.data(TrafficModel::IdRole).toULongLong());
    }
}

void TestTrafficModel::sortedRingBuffer()
{
    m_model->setMaxEntries(50);
    m_sort->sort(TrafficModel::BytesDownColumn, Qt::DescendingOrder);
    QSignalSpy removed(m_sort, &QAbstractItemModel::rowsRemoved);
    int removalsAtEnd = 0;
    connect(m_sort, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            [&](const QModelIndex&, int, int last) {
                removalsAtEnd += last == m_sort->rowCount() - 1 ? 1 : 0;
            });
    for (quint64 first = 1; first <= 200; first += 20) {
        LogEventBatch events;
        for (quint64 id = first; id < first + 20; ++id)
            events.append(makeEvent({.id = id}));
        m_model->addEvents(events);
    }
    QCOMPARE(m_sort->rowCount(), 50);
    QVERIFY(isSorted(TrafficModel::BytesDownColumn, Qt::DescendingOrder));
    QList<quint64> shown = ids(*m_sort);
    QCOMPARE(shown, [] {
        QList<quint64> out;
        for (quint64 id = 200; id >= 151; --id)
            out.append(id);
        return out;
    }());
    // Every drop left at the end of the sorted table, in one removal per batch.
    QCOMPARE(removed.size(), 8);
    QCOMPARE(removalsAtEnd, 8);
}

void TestTrafficModel::sortedUpdatesMoveRows()
{
    m_sort->sort(TrafficModel::DurationColumn, Qt::DescendingOrder);
    m_model->addEvents({makeEvent({.id = 1, .durationUs = 500}),
                        makeEvent({.id = 2, .phase = LogPhase::Started}),
                        makeEvent({.id = 3, .durationUs = 100})});
    QCOMPARE(ids(*m_sort), (QList<quint64>{1, 3, 2})); // running: -1, last
    const QPersistentModelIndex running = m_sort->index(2, 0);
    QSignalSpy changed(m_sort, &QAbstractItemModel::dataChanged);
    m_model->addEvents({makeEvent({.id = 2, .durationUs = 9'000})});
    QCOMPARE(ids(*m_sort), (QList<quint64>{2, 1, 3}));
    QCOMPARE(running.row(), 0); // persistent indexes follow their row
    QCOMPARE(changed.size(), 1);
}

void TestTrafficModel::sortedFilterChanges()
{
    m_sort->sort(TrafficModel::HostColumn, Qt::DescendingOrder);
    m_model->addEvents({makeEvent({.id = 1, .host = QStringLiteral("b.test")}),
                        makeEvent({.id = 2, .host = QStringLiteral("a.test")}),
                        makeEvent({.id = 3, .host = QStringLiteral("c.test"), .status = 500}),
                        makeEvent({.id = 4, .host = QStringLiteral("a.test"), .status = 502})});
    QCOMPARE(ids(*m_sort), (QList<quint64>{3, 1, 2, 4}));
    const QPersistentModelIndex kept = m_sort->index(3, 0); // id 4
    m_filter->setErrorsOnly(true);
    QCOMPARE(ids(*m_sort), (QList<quint64>{3, 4}));
    QCOMPARE(kept.row(), 1);
    m_filter->setErrorsOnly(false);
    QCOMPARE(ids(*m_sort), (QList<quint64>{3, 1, 2, 4}));
    QCOMPARE(kept.row(), 3);
    m_model->clear();
    QCOMPARE(m_sort->rowCount(), 0);
    QVERIFY(!kept.isValid());
}

void TestTrafficModel::sortedRandomWorkload()
{
    // Batches with updates, the ring buffer, filter and sort changes in random
    // order, the testers watching: the sorted rows are always the filtered rows,
    // in order.
    QRandomGenerator random(20'240'601);
    m_model->setMaxEntries(200);
    QList<quint64> running;
    quint64 next = 1;
    const int columns[] = {TrafficModel::HostColumn, TrafficModel::DurationColumn,
                           TrafficModel::StatusColumn, TrafficModel::NumberColumn, -1};
    for (int step = 0; step < 120; ++step) {
        LogEventBatch batch;
        for (const quint64 id : std::as_const(running)) {
            if (random.bounded(2))
                batch.append(makeEvent({.id = id,
                                        .status = random.bounded(2) ? 200 : 503,
                                        .durationUs = random.bounded(1, 100'000)}));
        }
        const int fresh = random.bounded(0, 40);
        for (int i = 0; i < fresh; ++i, ++next) {
            const bool started = random.bounded(3) == 0;
            batch.append(makeEvent({.id = next,
                                    .phase = started ? LogPhase::Started : LogPhase::Finished,
                                    .host = QStringLiteral("h%1.test").arg(random.bounded(30)),
                                    .status = random.bounded(4) == 0 ? 404 : 200,
                                    .durationUs = random.bounded(1, 100'000)}));
            if (started)
                running.append(next);
        }
        m_model->addEvents(batch);
        switch (random.bounded(8)) {
        case 0:
            m_filter->setErrorsOnly(!m_filter->errorsOnly());
            break;
        case 1:
            m_filter->setText(m_filter->text().isEmpty() ? QStringLiteral("h1") : QString());
            break;
        case 2: {
            const int column = columns[random.bounded(5)];
            m_sort->sort(column, random.bounded(2) ? Qt::AscendingOrder : Qt::DescendingOrder);
            break;
        }
        default:
            break;
        }
        QList<quint64> filtered = ids(*m_filter);
        QList<quint64> sorted = ids(*m_sort);
        QCOMPARE(sorted.size(), filtered.size());
        std::sort(filtered.begin(), filtered.end());
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(sorted, filtered);
        if (m_sort->sortColumn() >= 0)
            QVERIFY(isSorted(m_sort->sortColumn(), m_sort->sortOrder()));
        else
            QCOMPARE(ids(*m_sort), ids(*m_filter));
    }
}

void TestTrafficModel::coloursAreReadable_data()
{
    QTest::addColumn<QPalette>("palette");
    QPalette light(QColor(0xf0, 0xf0, 0xf0));
    light.setColor(QPalette::Base, Qt::white);
    light.setColor(QPalette::AlternateBase, QColor(0xf5, 0xf5, 0xf5));
    light.setColor(QPalette::Text, Qt::black);
    QTest::newRow("light") << light;
    QPalette dark(QColor(0x30, 0x30, 0x30));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x2a, 0x2a, 0x2a));
    dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    QTest::newRow("dark") << dark;
    QPalette solarized(QColor(0x07, 0x36, 0x42));
    solarized.setColor(QPalette::Base, QColor(0x00, 0x2b, 0x36));
    solarized.setColor(QPalette::AlternateBase, QColor(0x07, 0x36, 0x42));
    solarized.setColor(QPalette::Text, QColor(0x93, 0xa1, 0xa1));
    QTest::newRow("solarized dark") << solarized;
}

void TestTrafficModel::coloursAreReadable()
{
    QFETCH(QPalette, palette);
    const TrafficStyle style = TrafficStyle::fromPalette(palette);
    for (const QColor& background :
         {palette.color(QPalette::Base), palette.color(QPalette::AlternateBase)}) {
        QVERIFY(TrafficStyle::contrastRatio(style.errorText(), background) >= 4.5);
        QVERIFY(TrafficStyle::contrastRatio(style.blockedText(), background) >= 4.5);
        QVERIFY(TrafficStyle::contrastRatio(style.runningText(), background) >= 3.0);
    }
    QVERIFY(style.errorText() != style.blockedText());
    for (const TrafficRouteKind kind : {TrafficRouteKind::Direct, TrafficRouteKind::Exit,
                                        TrafficRouteKind::Blocked, TrafficRouteKind::Local})
        QVERIFY(!style.routeIcon(kind).isNull());
    QVERIFY(style.routeIcon(TrafficRouteKind::Unknown).isNull());

    // The model paints with it: a failed row gets the error colour, a blocked one
    // the blocked colour, and the route column its badge.
    m_model->setStyle(style);
    m_model->addEvents({makeEvent({.id = 1, .status = 500}),
                        makeEvent({.id = 2, .status = 403, .route = QStringLiteral("blocked")}),
                        finished(3)});
    QCOMPARE(m_model->index(0, 0).data(Qt::ForegroundRole).value<QColor>(), style.errorText());
    QCOMPARE(m_model->index(1, 0).data(Qt::ForegroundRole).value<QColor>(), style.blockedText());
    QVERIFY(!m_model->index(2, 0).data(Qt::ForegroundRole).isValid());
    QVERIFY(!m_model->index(2, TrafficModel::RouteColumn)
                 .data(Qt::DecorationRole)
                 .value<QIcon>()
                 .isNull());
}

QTEST_MAIN(TestTrafficModel)
#include "tst_trafficmodel.moc"
