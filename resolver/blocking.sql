-- Blocking: candidate pairs of name keys, never all pairs (see resolver/blocking.py).
-- Input: temp relation _bk_keys(kid INTEGER, side TINYINT, key VARCHAR, acronym VARCHAR), and
-- _bk_shared(kid INTEGER, value VARCHAR): values the keys' records carry (a registered domain), maybe empty.
-- side is 0 for every key when deduplicating one set; 0 = query, 1 = reference when linking two.
-- Each rule emits (x, sx, y, sy, rule) with x < y; `pairs` orients and deduplicates them.

-- name: tokens
-- One row per distinct (key, word); words of one letter never block.
create or replace temp table _bk_tokens as
select distinct kid, side, tok
from (select kid, side, unnest(string_split(key, ' ')) as tok from _bk_keys)
where length(tok) >= 2;

-- name: pairs
-- Candidate pairs (kid_a, kid_b, rules bitmask) from every blocking rule, oriented and deduplicated.
create or replace temp table _bk_pairs as
with
-- Rule 0 (bit 32): equal keys. With one set the keys are already distinct; across two sets this is
-- the exact match, whatever the size of the block.
by_key as (
    select a.kid as x, a.side as sx, b.kid as y, b.side as sy, 32 as rule
    from _bk_keys a join _bk_keys b on a.key = b.key and a.kid < b.kid
),
-- Rule 1 (bit 1): a shared rare word. A word in more than $token_cap keys ("solutions", "group",
-- "university") blocks nothing: its pairs would be most of the work and almost none of the matches.
rare as (
    select tok from _bk_tokens group by tok having count(*) between 2 and $token_cap
),
rare_tok as (
    select t.kid, t.side, t.tok from _bk_tokens t semi join rare r on t.tok = r.tok
),
by_token as (
    select a.kid as x, a.side as sx, b.kid as y, b.side as sy, 1 as rule
    from rare_tok a join rare_tok b on a.tok = b.tok and a.kid < b.kid
),
-- Rule 2 (bit 2): a one-word key equals the initials of another ("ibm" / international business machines).
acr as (
    select kid, side, acronym from _bk_keys
    where acronym is not null and length(acronym) >= 2
      and acronym in (select acronym from _bk_keys group by acronym having count(*) <= $token_cap)
),
by_acronym as (
    select a.kid as x, a.side as sx, b.kid as y, b.side as sy, 2 as rule
    from acr a join _bk_keys b on a.acronym = b.key and a.kid <> b.kid
),
-- Rule 3 (bit 4): the same first $prefix_len characters of the key without spaces (blocks of at most
-- $token_cap keys), for names whose every word is common.
pre as (
    select kid, side, left(replace(key, ' ', ''), $prefix_len) as p from _bk_keys
    where length(replace(key, ' ', '')) >= 3
),
pre_ok as (
    select p from pre group by p having count(*) between 2 and $token_cap
),
by_prefix as (
    select a.kid as x, a.side as sx, b.kid as y, b.side as sy, 4 as rule
    from pre a semi join pre_ok using (p) join pre b on a.p = b.p and a.kid < b.kid
),
-- Rules 4 and 5 (bits 8, 16): sorted neighbourhood: the next $window - 1 keys in key order and in
-- reversed-key order, which catches typos in the first and in the last word.
fwd as (
    select kid, side, row_number() over (order by key, kid) as rn from _bk_keys
),
bwd as (
    select kid, side, row_number() over (order by reverse(replace(key, ' ', '')), kid) as rn from _bk_keys
),
by_fwd as (
    select a.kid as x, a.side as sx, b.kid as y, b.side as sy, 8 as rule
    from fwd a cross join range(1, $window) as w(d) join fwd b on b.rn = a.rn + w.d
),
by_bwd as (
    select a.kid as x, a.side as sx, b.kid as y, b.side as sy, 16 as rule
    from bwd a cross join range(1, $window) as w(d) join bwd b on b.rn = a.rn + w.d
),
-- Rule 6 (bit 64): keys whose records share a value (the same registered domain), whatever their names;
-- a value of more than $token_cap keys (a mail provider, a hosting platform) blocks nothing.
shared as (
    select distinct s.kid, k.side, s.value from _bk_shared s join _bk_keys k on k.kid = s.kid
),
shared_ok as (
    select value from shared group by value having count(*) between 2 and $token_cap
),
by_shared as (
    select a.kid as x, a.side as sx, b.kid as y, b.side as sy, 64 as rule
    from shared a semi join shared_ok using (value) join shared b on a.value = b.value and a.kid < b.kid
),
raw as (
    select * from by_key
    union all select * from by_token
    union all select * from by_acronym
    union all select * from by_prefix
    union all select * from by_fwd
    union all select * from by_bwd
    union all select * from by_shared
)
select
    case when $bipartite then (case when sx = 0 then x else y end) else least(x, y) end as kid_a,
    case when $bipartite then (case when sx = 0 then y else x end) else greatest(x, y) end as kid_b,
    bit_or(rule)::TINYINT as rules
from raw
where x <> y and (not $bipartite or sx <> sy)
group by all;

-- name: sorted_pairs
-- The candidate pairs, in a stable order.
select * from _bk_pairs order by kid_a, kid_b;

-- name: quiet
-- No progress bar on a connection the blocking opened itself: its callers print their own progress.
SET enable_progress_bar = false;

-- name: drop_temp
-- The blocking's temp tables, dropped whatever happened.
drop table if exists _bk_pairs; drop table if exists _bk_tokens;
