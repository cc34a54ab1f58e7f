// Search benchmark (issue 12): a store of N messages (default 1,000,000) of mixed Chinese and
// English chat in 200 conversations, generated here with a fixed seed, written as a data
// directory from before search (no index), then opened by the hub's store, which indexes it in
// batches as the hub would in the background. Prints: generation time, index build time and the
// longest batch (what a post waits for at most while it runs), index size as a multiple of the
// text, query latency p50 / p99 for terms of three or more characters and for two-character
// terms (all 200 conversations, and one), the store's append latency, and the time and CPU the
// index's upkeep takes for new messages (a catch-up and a merge step per 20 appends, as the hub
// runs them between requests). Store level, on this thread: no HTTP (the route adds parsing and
// JSON).
//
//   bench_search [--messages N] [--dir DIR] [--queries N] [--appends N] [--batch N]
//                [--per-post-trigger] [--smoke]
//
// --dir keeps the generated store there and reuses it on the next run (generation is skipped
// when DIR/hub.sqlite exists; the index is then dropped and built again). --smoke: 20,000
// messages, and it checks that every query's hits really contain their terms (ctest runs it).

#include "chat/searchservice.h"
#include "store/sqlitechatstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

using namespace confab;

namespace {

constexpr int Conversations = 200;
constexpr int Members = 400;
constexpr quint32 Seed = 20261130;
constexpr int MaxMessages = 5000000; // a bound on what --messages may ask for

const char *const EnglishWords[] = {
    "the",      "a",       "to",         "and",     "is",       "it",       "you",      "that",
    "we",       "for",     "on",         "this",    "in",       "be",       "can",      "have",
    "will",     "do",      "not",        "with",    "are",      "just",     "so",       "what",
    "about",    "meeting", "deploy",     "server",  "release",  "tomorrow", "today",    "build",
    "test",     "fixed",   "bug",        "review",  "please",   "thanks",   "ok",       "sure",
    "lunch",    "coffee",  "later",      "morning", "report",   "slides",   "customer", "database",
    "network",  "latency", "upgrade",    "docs",    "branch",   "merge",    "ticket",   "schedule",
    "office",   "weekend", "project",    "design",  "budget",   "invoice",  "printer",  "laptop",
    "password", "login",   "error",      "crash",   "log",      "config",   "backup",   "restore",
    "question", "answer",  "idea",       "plan",    "team",     "manager",  "client",   "friday",
    "monday",   "night",   "done",       "waiting", "approved", "blocked",  "urgent",   "maybe",
    "great",    "nice",    "lol",        "sorry",   "hello",    "everyone", "channel",  "search",
    "index",    "trigram", "kubernetes", "docker",  "python",   "qt"};
const char *const ChineseWords[]
    = {"我们", "今天", "明天", "部署",   "方案",   "会议", "服务器", "测试",   "问题",   "已经",
       "可以", "一下", "这个", "那个",   "什么",   "时候", "没有",   "需要",   "大家",   "下午",
       "上午", "晚上", "吃饭", "咖啡",   "报告",   "文档", "客户",   "数据库", "网络",   "延迟",
       "升级", "版本", "发布", "修复",   "代码",   "审查", "分支",   "合并",   "周末",   "项目",
       "设计", "预算", "发票", "打印机", "笔记本", "密码", "登录",   "错误",   "崩溃",   "日志",
       "配置", "备份", "恢复", "想法",   "计划",   "团队", "经理",   "周五",   "周一",   "完成",
       "等待", "批准", "紧急", "也许",   "很好",   "谢谢", "好的",   "收到",   "辛苦了", "没问题",
       "马上", "稍等", "看看", "讨论",   "安排",   "确认", "提醒",   "通知",   "更新",   "搜索",
       "索引", "中文", "英文", "消息",   "频道",   "同事", "老板",   "放假"};
const char *const Punctuation[] = {"，", "。", "！", "？", ",", ".", "!", "?", " :)", "~"};

template<class T, size_t N> const T &pick(QRandomGenerator &random, const T (&list)[N])
{
    // Words earlier in the list are more common (a rough Zipf): the square of a uniform draw.
    const double u = random.generateDouble();
    return list[std::min<size_t>(N - 1, size_t(u * u * N))];
}

// A chat line: mostly short (median about 25 characters), sometimes a paragraph.
QString chatLine(QRandomGenerator &random)
{
    const double kind = random.generateDouble();
    const bool chinese = kind < 0.55;
    const bool mixed = kind >= 0.55 && kind < 0.7;
    const double lengthDraw = random.generateDouble();
    const int words = lengthDraw < 0.9 ? 1 + int(random.bounded(10))
                                       : 10 + int(random.bounded(lengthDraw < 0.99 ? 40 : 150));
    QString text;
    for (int i = 0; i < words; ++i) {
        const bool useChinese = mixed ? random.bounded(2) == 0 : chinese;
        if (useChinese) {
            text += QString::fromUtf8(pick(random, ChineseWords));
        } else {
            if (!text.isEmpty() && !text.back().isSpace())
                text += QLatin1Char(' ');
            text += QString::fromLatin1(pick(random, EnglishWords));
        }
        if (random.bounded(8) == 0)
            text += QString::fromUtf8(pick(random, Punctuation));
    }
    return text.left(4000);
}

struct Figures
{
    std::vector<double> ms;
    QString slowestTerm;
    double slowestMs = 0;
    int truncated = 0;
    int hits = 0;
    double percentile(double p)
    {
        if (ms.empty())
            return 0;
        std::sort(ms.begin(), ms.end());
        return ms[std::min(ms.size() - 1, size_t(p * double(ms.size())))];
    }
};

bool generate(const QString &file, int messages)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("gen"));
    db.setDatabaseName(file);
    if (!db.open())
        return false;
    QSqlQuery query(db);
    query.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    query.exec(QStringLiteral("BEGIN"));
    QRandomGenerator random(Seed);
    query.prepare(QStringLiteral(
        "INSERT INTO events (conversation, kind, member_id, member_name, text, ts, client_id)"
        " VALUES (?, 'message', ?, ?, ?, ?, ?)"));
    const qint64 start = 1700000000000;
    bool ok = true;
    for (int i = 0; i < messages && ok; ++i) {
        // Some conversations are busier than others.
        const double u = random.generateDouble();
        const int conversation = int(u * u * Conversations);
        const int member = int(random.bounded(Members));
        query.addBindValue(QStringLiteral("c%1").arg(conversation));
        query.addBindValue(QStringLiteral("m_%1").arg(member));
        query.addBindValue(QStringLiteral("member%1").arg(member));
        query.addBindValue(chatLine(random));
        query.addBindValue(start + qint64(i) * 3000);
        query.addBindValue(QStringLiteral("c-%1").arg(i));
        ok = query.exec();
    }
    if (ok) {
        for (int c = 0; c < Conversations; ++c) {
            ok = ok
                && query.exec(QStringLiteral("INSERT OR IGNORE INTO conversations (id, kind,"
                                             " title, created) VALUES ('c%1', 'channel', 'c%1', 0)")
                                  .arg(c));
        }
    }
    ok = ok && query.exec(QStringLiteral("COMMIT"));
    if (!ok)
        std::printf("generation failed: %s\n", qPrintable(query.lastError().text()));
    query.finish();
    db.close();
    return ok;
}

// Back to a data directory from before search: no index, no triggers.
bool dropIndex(const QString &file)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("drop"));
    db.setDatabaseName(file);
    if (!db.open())
        return false;
    QSqlQuery query(db);
    for (const char *statement :
         {"DROP TRIGGER IF EXISTS search_insert", "DROP TRIGGER IF EXISTS search_update",
          "DROP TRIGGER IF EXISTS search_delete", "DROP TABLE IF EXISTS search_fts",
          "DELETE FROM meta WHERE key LIKE 'search_indexed_%'", "VACUUM"})
        query.exec(QString::fromLatin1(statement));
    query.finish();
    db.close();
    return true;
}

Figures runQueries(SqliteSearchIndex &index, const QStringList &terms, const QStringList &scope,
                   int rounds, bool check)
{
    Figures figures;
    for (int round = 0; round < rounds; ++round) {
        const QString term = terms.at(round % terms.size());
        SearchIndex::Query query;
        query.terms = SearchService::parse(term).value.value_or(QStringList());
        query.conversations = scope;
        query.limit = SearchService::DefaultLimit;
        query.budgetMs = SearchService::QueryBudgetMs;
        QElapsedTimer clock;
        clock.start();
        const SearchIndex::Result result = index.search(query);
        figures.ms.push_back(double(clock.nsecsElapsed()) / 1e6);
        if (figures.ms.back() > figures.slowestMs) {
            figures.slowestMs = figures.ms.back();
            figures.slowestTerm = term;
        }
        figures.truncated += result.truncated ? 1 : 0;
        figures.hits += int(result.hits.size());
        if (check) {
            for (const auto &hit : result.hits) {
                for (const QString &t : query.terms) {
                    if (!hit.message.text.contains(t, Qt::CaseInsensitive)) {
                        std::printf("WRONG HIT for %s: %s\n", qPrintable(t),
                                    qPrintable(hit.message.text));
                        std::exit(1);
                    }
                }
            }
        }
    }
    return figures;
}

void report(const char *label, Figures figures)
{
    std::printf(
        "  %-44s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms (%s)  truncated %d/%zu  hits %d\n", label,
        figures.percentile(0.5), figures.percentile(0.99), figures.percentile(1.0),
        qPrintable(figures.slowestTerm), figures.truncated, figures.ms.size(), figures.hits);
}

double threadCpuMs()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

// Appends one by one; every `batch` appends (the hub's CatchUpIntervalMs is 50 at 200 msg/s)
// the index takes them in and merges (SearchService's catch-up and merge steps, which the hub runs
// between requests), timed apart, with the CPU time per message of each.
struct CpuPerMessage
{
    double appendUs = 0;
    double catchUpUs = 0;
    double mergeUs = 0;
};

Figures appendLatency(SqliteChatStore &store, int count, int batch, bool perPostTrigger,
                      Figures *upkeep, Figures *merges, CpuPerMessage *cpuPerMessage)
{
    Figures figures;
    QRandomGenerator random(Seed + 1);
    double appendCpu = 0;
    double catchUpCpu = 0;
    double mergeCpu = 0;
    for (int i = 0; i < count; ++i) {
        MessageEvent message;
        message.room = QStringLiteral("c%1").arg(random.bounded(Conversations));
        message.from = Member {QStringLiteral("m_bench"), QStringLiteral("bench")};
        message.text = chatLine(random);
        message.ts = 1800000000000 + i;
        QElapsedTimer clock;
        clock.start();
        double cpu = threadCpuMs();
        if (!store.appendMessage(message))
            std::printf("append failed\n");
        appendCpu += threadCpuMs() - cpu;
        figures.ms.push_back(double(clock.nsecsElapsed()) / 1e6);
        if (i % batch == batch - 1) {
            clock.restart();
            cpu = threadCpuMs();
            while (!perPostTrigger && store.searchIndex().catchUpStep(1000)) { }
            catchUpCpu += threadCpuMs() - cpu;
            upkeep->ms.push_back(double(clock.nsecsElapsed()) / 1e6);
            clock.restart();
            cpu = threadCpuMs();
            store.searchIndex().mergeStep(SearchService::MergePages);
            mergeCpu += threadCpuMs() - cpu;
            merges->ms.push_back(double(clock.nsecsElapsed()) / 1e6);
        }
    }
    cpuPerMessage->appendUs = appendCpu * 1000 / count;
    cpuPerMessage->catchUpUs = catchUpCpu * 1000 / count;
    cpuPerMessage->mergeUs = mergeCpu * 1000 / count;
    return figures;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // each figure as soon as it is known
    QStringList args = app.arguments();
    const bool smoke = args.contains(QStringLiteral("--smoke"));
    const auto option = [&args](const char *name, const QString &fallback) {
        const qsizetype at = args.indexOf(QLatin1String(name));
        return at >= 0 && at + 1 < args.size() ? args.at(at + 1) : fallback;
    };
    const int messages = std::clamp(
        option("--messages", smoke ? QStringLiteral("20000") : QStringLiteral("1000000")).toInt(),
        1000, MaxMessages);
    const int rounds = std::clamp(
        option("--queries", smoke ? QStringLiteral("40") : QStringLiteral("300")).toInt(), 1,
        100000);
    QTemporaryDir temporary;
    const QString dir = option("--dir", temporary.path());
    QDir().mkpath(dir);
    const QString file = QDir(dir).filePath(QStringLiteral("hub.sqlite"));

    std::printf("search bench: %d messages, %d conversations, data in %s\n", messages,
                Conversations, qPrintable(dir));
    {
        // The schema (with today's index), then generated messages written as an old file.
        SqliteChatStore store(QStringLiteral("schema"));
        QString error;
        if (!store.open(dir, &error)) {
            std::printf("cannot open the store: %s\n", qPrintable(error));
            return 1;
        }
        const bool fresh = store.newestSequence() == 0;
        store.close();
        if (fresh) {
            dropIndex(file);
            QElapsedTimer clock;
            clock.start();
            if (!generate(file, messages))
                return 1;
            std::printf("generated in %.1f s\n", double(clock.elapsed()) / 1000);
        } else {
            std::printf("reusing the messages already there\n");
            dropIndex(file);
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("gen"));
    QSqlDatabase::removeDatabase(QStringLiteral("drop"));

    SqliteChatStore store(QStringLiteral("bench"));
    QString error;
    if (!store.open(dir, &error)) {
        std::printf("cannot open the store: %s\n", qPrintable(error));
        return 1;
    }
    SqliteSearchIndex &index = store.sqliteSearchIndex();
    if (!index.hasIndex()) {
        std::printf("this SQLite has no FTS5 trigram tokenizer: everything is a scan\n");
    }
    // Searching while the index is being built (the hub answers by scanning the older part).
    QStringList all;
    for (int c = 0; c < Conversations; ++c)
        all.append(QStringLiteral("c%1").arg(c));
    const QStringList threePlus {QStringLiteral("deploy"),    QStringLiteral("部署方案"),
                                 QStringLiteral("数据库"),    QStringLiteral("kubernetes"),
                                 QStringLiteral("打印机"),    QStringLiteral("server release"),
                                 QStringLiteral("\"会议 \""), QStringLiteral("invoice 发票"),
                                 QStringLiteral("rigr"),      QStringLiteral("辛苦了")};
    const QStringList two {QStringLiteral("部署"), QStringLiteral("ok"),   QStringLiteral("放假"),
                           QStringLiteral("qt"),   QStringLiteral("索引"), QStringLiteral("假周"),
                           QStringLiteral("lo"),   QStringLiteral("备份"), QStringLiteral("zz"),
                           QStringLiteral("英文")};
    report("while indexing, 3+ chars, all conversations",
           runQueries(index, threePlus, all, std::min(rounds, 20), smoke));

    QElapsedTimer build;
    build.start();
    int rows = 2000;
    double longestBatch = 0;
    int batches = 0;
    for (bool more = true; more; ++batches) {
        QElapsedTimer batch;
        batch.start();
        more = index.backfillStep(rows);
        if (batches % 5 == 4)
            index.mergeStep(SearchService::MergePages);
        const qint64 took = std::max<qint64>(1, batch.elapsed());
        longestBatch = std::max(longestBatch, double(batch.nsecsElapsed()) / 1e6);
        // The same aim as SearchService::indexStep: batches of about BackfillSliceMs.
        rows = int(std::clamp<qint64>(qint64(rows) * SearchService::BackfillSliceMs / took,
                                      std::max(200, rows / 2), std::min(200000, rows * 2)));
    }
    std::printf("index built in %.1f s (%d batches, longest %.1f ms)\n",
                double(build.elapsed()) / 1000, batches, longestBatch);
    const double textMb = double(index.textBytes()) / 1e6;
    const double indexMb = double(index.indexBytes()) / 1e6;
    std::printf("text %.1f MB, index %.1f MB: %.2f x the text; file %.1f MB\n", textMb, indexMb,
                indexMb / textMb, double(QFileInfo(file).size()) / 1e6);

    std::printf("queries (limit 20, budget %d ms):\n", SearchService::QueryBudgetMs);
    report("3+ chars, all 200 conversations", runQueries(index, threePlus, all, rounds, smoke));
    report("3+ chars, one busy conversation (c0)",
           runQueries(index, threePlus, {QStringLiteral("c0")}, rounds, smoke));
    report("3+ chars, one quiet conversation (c199)",
           runQueries(index, threePlus, {QStringLiteral("c199")}, rounds, smoke));
    report("2 chars, all 200 conversations", runQueries(index, two, all, rounds, smoke));
    report("2 chars, one busy conversation (c0)",
           runQueries(index, two, {QStringLiteral("c0")}, rounds, smoke));
    report("2 chars, one quiet conversation (c199)",
           runQueries(index, two, {QStringLiteral("c199")}, rounds, smoke));

    const int appends = std::clamp(
        option("--appends", smoke ? QStringLiteral("200") : QStringLiteral("2000")).toInt(), 1,
        1000000);
    // Posts per catch-up step: 50 is the hub's at 200 msg/s.
    const int batch = std::clamp(option("--batch", QStringLiteral("50")).toInt(), 1, appends);
    // --per-post-trigger: for comparison, the first layout of search, where a trigger fed the
    // index in each append's own transaction (no catch-up steps then).
    const bool perPostTrigger = args.contains(QStringLiteral("--per-post-trigger"));
    {
        // The merges left over from building the index, done now, so that the merge steps below
        // are those of new messages only.
        QSqlQuery optimize(QSqlDatabase::database(QStringLiteral("bench")));
        optimize.exec(QStringLiteral("INSERT INTO search_fts (search_fts) VALUES ('optimize')"));
        if (perPostTrigger
            && !optimize.exec(QStringLiteral(
                "CREATE TRIGGER search_insert AFTER INSERT ON events WHEN new.kind = 'message'"
                " AND new.deleted = 0 AND new.text IS NOT NULL BEGIN INSERT INTO search_fts"
                " (rowid, text) VALUES (new.seq, new.text); END")))
            return 1;
    }
    Figures upkeep;
    Figures merges;
    CpuPerMessage cpu;
    report("append (the post's own transaction)",
           appendLatency(store, appends, batch, perPostTrigger, &upkeep, &merges, &cpu));
    report(qPrintable(QStringLiteral("index each %1 new messages (between)").arg(batch)), upkeep);
    report("index merge step (between)", merges);
    std::printf("CPU per message: append %.1f us, indexing it %.1f us, merges %.1f us\n",
                cpu.appendUs, cpu.catchUpUs, cpu.mergeUs);
    store.close();
    return 0;
}
