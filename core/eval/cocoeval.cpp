#include "eval/cocoeval.h"

#include <algorithm>
#include <cfloat>
#include <numeric>

namespace ango::eval {

namespace {

// numpy.linspace(start, stop, num): i * step + start, the last value exactly stop. The thresholds
// must be the same doubles as pycocotools' for recall comparisons to agree.
std::vector<double> linspace(double start, double stop, int num)
{
    std::vector<double> out(static_cast<std::size_t>(num));
    const double step = (stop - start) / double(num - 1);
    for (int i = 0; i < num; ++i)
        out[std::size_t(i)] = double(i) * step + start;
    out.back() = stop;
    return out;
}

constexpr std::array<std::array<double, 2>, kAreaRanges> kAreaBounds{
    {{0.0, 1e10}, {0.0, 32.0 * 32.0}, {32.0 * 32.0, 96.0 * 96.0}, {96.0 * 96.0, 1e10}}};

bool outside(double area, int a)
{
    return area < kAreaBounds[std::size_t(a)][0] || area > kAreaBounds[std::size_t(a)][1];
}

enum : std::uint8_t { kMatched = 1, kIgnored = 2 };

// The evaluated detections of one category and area range, all images concatenated in image-id
// order (COCOeval's evalImgs for one k, a). Flags are per detection and IoU threshold.
struct Bucket
{
    std::vector<int> start; // per evaluated image: first detection in scores
    std::vector<int> count; // per evaluated image: detections kept (<= the largest maxDets)
    std::vector<double> scores;
    std::vector<std::uint8_t> flags; // scores.size() * T
    qsizetype notIgnoredTruth = 0;
    bool any = false; // some image had ground truth or detections
};

// Indices of items sorted by category (stable), as [begin, end) ranges per category.
template <typename T>
std::vector<std::pair<int, int>> byCategory(const std::vector<T> &items, int categories,
                                            std::vector<int> &order)
{
    order.resize(items.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int l, int r) {
        return items[std::size_t(l)].category < items[std::size_t(r)].category;
    });
    std::vector<std::pair<int, int>> ranges(std::size_t(categories), {0, 0});
    std::size_t i = 0;
    while (i < order.size()) {
        const int c = items[std::size_t(order[i])].category;
        std::size_t j = i;
        while (j < order.size() && items[std::size_t(order[j])].category == c)
            ++j;
        if (c >= 0 && c < categories)
            ranges[std::size_t(c)] = {int(i), int(j)};
        i = j;
    }
    return ranges;
}

class Evaluator
{
public:
    Evaluator(const Dataset &dataset, const std::vector<std::vector<Detection>> &detections,
              const EvalParams &params)
        : m_dataset(dataset)
        , m_detections(detections)
        , m_params(params)
        , m_T(int(params.iouThresholds.size()))
        , m_K(int(dataset.categories.size()))
        , m_buckets(std::size_t(m_K * kAreaRanges))
    {}

    EvalResult run()
    {
        EvalResult result;
        result.images.resize(m_dataset.images.size());
        result.classes.resize(std::size_t(m_K));
        // COCOeval walks images in ascending id order; the order decides score ties across images.
        std::vector<int> imageOrder(m_dataset.images.size());
        std::iota(imageOrder.begin(), imageOrder.end(), 0);
        std::stable_sort(imageOrder.begin(), imageOrder.end(), [this](int l, int r) {
            return m_dataset.images[std::size_t(l)].cocoId
                   < m_dataset.images[std::size_t(r)].cocoId;
        });
        for (const int i : imageOrder)
            evaluateImage(i, result.images[std::size_t(i)], result.classes);
        accumulate();
        summarize(result);
        return result;
    }

private:
    static const std::vector<Detection> &noDetections()
    {
        static const std::vector<Detection> none;
        return none;
    }

    void evaluateImage(int imageIndex, ImageOutcome &outcome, std::vector<ClassMetrics> &classes)
    {
        const DatasetImage &image = m_dataset.images[std::size_t(imageIndex)];
        const auto &dts = std::size_t(imageIndex) < m_detections.size()
                              ? m_detections[std::size_t(imageIndex)]
                              : noDetections();
        outcome.detections.assign(dts.size(), Outcome::FalsePositive);
        outcome.matchedTruth.assign(dts.size(), -1);
        outcome.truth.assign(image.truth.size(), Outcome::Missed);
        std::vector<int> gtOrder;
        std::vector<int> dtOrder;
        const auto gtRanges = byCategory(image.truth, m_K, gtOrder);
        const auto dtRanges = byCategory(dts, m_K, dtOrder);
        for (const Detection &d : dts) {
            if (d.category < 0 || d.category >= m_K)
                continue; // not a category of the dataset: the caller accounts for it
            ++classes[std::size_t(d.category)].detections;
        }
        for (int k = 0; k < m_K; ++k) {
            const auto [g0, g1] = gtRanges[std::size_t(k)];
            const auto [d0, d1] = dtRanges[std::size_t(k)];
            if (g0 == g1 && d0 == d1)
                continue;
            std::vector<int> gt(gtOrder.begin() + g0, gtOrder.begin() + g1);
            std::vector<int> dt(dtOrder.begin() + d0, dtOrder.begin() + d1);
            evaluateGroup(image, dts, gt, dt, k, outcome, classes[std::size_t(k)]);
        }
        for (const Outcome o : outcome.detections)
            outcome.fp += o == Outcome::FalsePositive;
        for (const Outcome o : outcome.truth) {
            outcome.tp += o == Outcome::Matched;
            outcome.fn += o == Outcome::Missed;
        }
    }

    // One image and category: COCOeval.computeIoU and evaluateImg for every area range.
    void evaluateGroup(const DatasetImage &image, const std::vector<Detection> &dts,
                       const std::vector<int> &gt, std::vector<int> dt, int k,
                       ImageOutcome &outcome, ClassMetrics &metrics)
    {
        std::stable_sort(dt.begin(), dt.end(), [&dts](int l, int r) {
            return dts[std::size_t(l)].score > dts[std::size_t(r)].score;
        });
        const int maxDet = m_params.maxDets.back();
        if (int(dt.size()) > maxDet) {
            // Detections beyond maxDet are not counted at all (neither TP nor FP).
            for (std::size_t d = std::size_t(maxDet); d < dt.size(); ++d)
                outcome.detections[std::size_t(dt[d])] = Outcome::Ignored;
            dt.resize(std::size_t(maxDet));
        }
        const std::size_t D = dt.size();
        const std::size_t G = gt.size();
        std::vector<double> ious(D * G);
        for (std::size_t d = 0; d < D; ++d) {
            for (std::size_t g = 0; g < G; ++g) {
                const TruthObject &t = image.truth[std::size_t(gt[g])];
                ious[d * G + g] = boxIou(dts[std::size_t(dt[d])].box, t.box, t.crowd);
            }
        }
        for (int a = 0; a < kAreaRanges; ++a) {
            // Ground truth: ignored ones last (stable), as evaluateImg sorts them.
            std::vector<int> gOrder(G);
            std::iota(gOrder.begin(), gOrder.end(), 0);
            std::vector<std::uint8_t> gtIgnore(G);
            for (std::size_t g = 0; g < G; ++g) {
                const TruthObject &t = image.truth[std::size_t(gt[g])];
                gtIgnore[g] = t.crowd || t.ignore || outside(t.area, a);
            }
            std::stable_sort(gOrder.begin(), gOrder.end(), [&](int l, int r) {
                return gtIgnore[std::size_t(l)] < gtIgnore[std::size_t(r)];
            });

            Bucket &bucket = m_buckets[std::size_t(k * kAreaRanges + a)];
            bucket.any = true;
            const int first = int(bucket.scores.size());
            bucket.start.push_back(first);
            bucket.count.push_back(int(D));
            for (std::size_t d = 0; d < D; ++d)
                bucket.scores.push_back(dts[std::size_t(dt[d])].score);
            bucket.flags.resize(bucket.scores.size() * std::size_t(m_T), 0);
            for (std::size_t g = 0; g < G; ++g)
                bucket.notIgnoredTruth += gtIgnore[g] == 0;

            for (int t = 0; t < m_T; ++t) {
                std::vector<std::uint8_t> gtMatched(G, 0);
                for (std::size_t d = 0; d < D; ++d) {
                    double best = std::min(m_params.iouThresholds[std::size_t(t)], 1 - 1e-10);
                    int m = -1;
                    for (std::size_t gi = 0; gi < G; ++gi) {
                        const std::size_t g = std::size_t(gOrder[gi]);
                        const bool crowd = image.truth[std::size_t(gt[g])].crowd;
                        if (gtMatched[gi] && !crowd)
                            continue;
                        // Once matched to a real object, ignored ones (sorted last) cannot win.
                        if (m > -1 && gtIgnore[std::size_t(gOrder[std::size_t(m)])] == 0
                            && gtIgnore[g] == 1)
                            break;
                        const double iou = ious[d * G + g];
                        if (iou < best)
                            continue;
                        best = iou;
                        m = int(gi);
                    }
                    std::uint8_t &flag
                        = bucket
                              .flags[(std::size_t(first) + d) * std::size_t(m_T) + std::size_t(t)];
                    if (m == -1) {
                        if (outside(dts[std::size_t(dt[d])].box.area(), a))
                            flag = kIgnored;
                        continue;
                    }
                    gtMatched[std::size_t(m)] = 1;
                    const std::size_t g = std::size_t(gOrder[std::size_t(m)]);
                    flag = std::uint8_t(kMatched | (gtIgnore[g] ? kIgnored : 0));
                    if (a == 0 && t == 0)
                        recordMatch(outcome, dt[d], gt[g], gtIgnore[g]);
                }
            }
            if (a == 0)
                for (std::size_t g = 0; g < G; ++g) {
                    if (gtIgnore[g])
                        outcome.truth[std::size_t(gt[g])] = Outcome::IgnoredTruth;
                    else
                        ++metrics.truth;
                }
        }
    }

    static void recordMatch(ImageOutcome &outcome, int detection, int truth, bool truthIgnored)
    {
        outcome.detections[std::size_t(detection)]
            = truthIgnored ? Outcome::Ignored : Outcome::TruePositive;
        outcome.matchedTruth[std::size_t(detection)] = truth;
        if (!truthIgnored)
            outcome.truth[std::size_t(truth)] = Outcome::Matched;
    }

    // COCOeval.accumulate: precision[t][r][k][a][m], recall[t][k][a][m].
    void accumulate()
    {
        const std::size_t R = m_params.recallThresholds.size();
        const std::size_t M = m_params.maxDets.size();
        m_precision.assign(std::size_t(m_T) * R * std::size_t(m_K) * kAreaRanges * M, -1.0);
        m_recall.assign(std::size_t(m_T) * std::size_t(m_K) * kAreaRanges * M, -1.0);
        std::vector<double> scores;
        std::vector<int> index;
        std::vector<int> order;
        for (int k = 0; k < m_K; ++k) {
            for (int a = 0; a < kAreaRanges; ++a) {
                const Bucket &bucket = m_buckets[std::size_t(k * kAreaRanges + a)];
                if (!bucket.any || bucket.notIgnoredTruth == 0)
                    continue;
                for (std::size_t m = 0; m < M; ++m) {
                    scores.clear();
                    index.clear();
                    for (std::size_t e = 0; e < bucket.start.size(); ++e) {
                        const int n = std::min(bucket.count[e], m_params.maxDets[m]);
                        for (int d = 0; d < n; ++d) {
                            scores.push_back(bucket.scores[std::size_t(bucket.start[e] + d)]);
                            index.push_back(bucket.start[e] + d);
                        }
                    }
                    order.resize(scores.size());
                    std::iota(order.begin(), order.end(), 0);
                    std::stable_sort(order.begin(), order.end(), [&scores](int l, int r) {
                        return scores[std::size_t(l)] > scores[std::size_t(r)];
                    });
                    for (int t = 0; t < m_T; ++t)
                        curve(bucket, index, order, t, k, a, int(m));
                }
            }
        }
    }

    std::size_t precisionAt(int t, std::size_t r, int k, int a, int m) const
    {
        const std::size_t R = m_params.recallThresholds.size();
        const std::size_t M = m_params.maxDets.size();
        return (((std::size_t(t) * R + r) * std::size_t(m_K) + std::size_t(k)) * kAreaRanges
                + std::size_t(a))
                   * M
               + std::size_t(m);
    }

    std::size_t recallAt(int t, int k, int a, int m) const
    {
        const std::size_t M = m_params.maxDets.size();
        return ((std::size_t(t) * std::size_t(m_K) + std::size_t(k)) * kAreaRanges + std::size_t(a))
                   * M
               + std::size_t(m);
    }

    void curve(const Bucket &bucket, const std::vector<int> &index, const std::vector<int> &order,
               int t, int k, int a, int m)
    {
        const std::size_t nd = order.size();
        const double npig = double(bucket.notIgnoredTruth);
        std::vector<double> rc(nd);
        std::vector<double> pr(nd);
        double tp = 0;
        double fp = 0;
        for (std::size_t i = 0; i < nd; ++i) {
            const std::uint8_t flag
                = bucket.flags[std::size_t(index[std::size_t(order[i])]) * std::size_t(m_T)
                               + std::size_t(t)];
            if (!(flag & kIgnored)) {
                if (flag & kMatched)
                    tp += 1;
                else
                    fp += 1;
            }
            rc[i] = tp / npig;
            pr[i] = tp / (fp + tp + DBL_EPSILON);
        }
        m_recall[recallAt(t, k, a, m)] = nd ? rc.back() : 0;
        for (std::size_t i = nd; i-- > 1;) {
            if (pr[i] > pr[i - 1])
                pr[i - 1] = pr[i];
        }
        const auto &recThrs = m_params.recallThresholds;
        for (std::size_t r = 0; r < recThrs.size(); ++r) {
            // numpy.searchsorted(rc, r, side='left'); past the end: precision 0.
            const auto pos = std::lower_bound(rc.begin(), rc.end(), recThrs[r]) - rc.begin();
            m_precision[precisionAt(t, r, k, a, m)]
                = std::size_t(pos) < nd ? pr[std::size_t(pos)] : 0.0;
        }
    }

    // Mean of the values above -1 over the given thresholds, classes, area and maxDets index.
    double meanPrecision(int tFrom, int tTo, int kFrom, int kTo, int a, int m) const
    {
        double sum = 0;
        qsizetype n = 0;
        for (int t = tFrom; t < tTo; ++t)
            for (std::size_t r = 0; r < m_params.recallThresholds.size(); ++r)
                for (int k = kFrom; k < kTo; ++k) {
                    const double v = m_precision[precisionAt(t, r, k, a, m)];
                    if (v > -1) {
                        sum += v;
                        ++n;
                    }
                }
        return n ? sum / double(n) : -1;
    }

    double meanRecall(int kFrom, int kTo, int a, int m) const
    {
        double sum = 0;
        qsizetype n = 0;
        for (int t = 0; t < m_T; ++t)
            for (int k = kFrom; k < kTo; ++k) {
                const double v = m_recall[recallAt(t, k, a, m)];
                if (v > -1) {
                    sum += v;
                    ++n;
                }
            }
        return n ? sum / double(n) : -1;
    }

    int thresholdIndex(double value) const
    {
        const auto &thr = m_params.iouThresholds;
        for (std::size_t t = 0; t < thr.size(); ++t) {
            if (std::abs(thr[t] - value) < 1e-9)
                return int(t);
        }
        return -1;
    }

    double meanAt(double iou, int kFrom, int kTo, int a, int m) const
    {
        const int t = thresholdIndex(iou);
        return t < 0 ? -1 : meanPrecision(t, t + 1, kFrom, kTo, a, m);
    }

    void summarize(EvalResult &result) const
    {
        const int last = int(m_params.maxDets.size()) - 1;
        Stats &s = result.stats;
        s[0] = meanPrecision(0, m_T, 0, m_K, 0, last);
        s[1] = meanAt(0.5, 0, m_K, 0, last);
        s[2] = meanAt(0.75, 0, m_K, 0, last);
        for (int a = 1; a < kAreaRanges; ++a)
            s[std::size_t(2 + a)] = meanPrecision(0, m_T, 0, m_K, a, last);
        for (int m = 0; m <= last && m < 3; ++m)
            s[std::size_t(6 + m)] = meanRecall(0, m_K, 0, m);
        for (int a = 1; a < kAreaRanges; ++a)
            s[std::size_t(8 + a)] = meanRecall(0, m_K, a, last);
        for (int k = 0; k < m_K; ++k) {
            ClassMetrics &c = result.classes[std::size_t(k)];
            c.ap = meanPrecision(0, m_T, k, k + 1, 0, last);
            c.ap50 = meanAt(0.5, k, k + 1, 0, last);
            c.ap75 = meanAt(0.75, k, k + 1, 0, last);
            c.ar100 = meanRecall(k, k + 1, 0, last);
        }
    }

    const Dataset &m_dataset;
    const std::vector<std::vector<Detection>> &m_detections;
    const EvalParams &m_params;
    int m_T;
    int m_K;
    std::vector<Bucket> m_buckets;
    std::vector<double> m_precision;
    std::vector<double> m_recall;
};

} // namespace

EvalParams::EvalParams()
    : iouThresholds(linspace(0.5, 0.95, 10))
    , recallThresholds(linspace(0.0, 1.0, 101))
{}

EvalResult evaluate(const Dataset &dataset, const std::vector<std::vector<Detection>> &detections,
                    const EvalParams &params)
{
    return Evaluator(dataset, detections, params).run();
}

} // namespace ango::eval
