//! The constraint model, solved by Pumpkin (a lazy-clause-generation CP solver in pure Rust).
//!
//! Each session picks a start and a lane (a room), each through a table constraint carrying its
//! cost (minutes outside display-zone hours, weighted points); a published session that moves in
//! either pays a move; people and rooms are unary resources (disjunctive
//! constraints, the room as a lane on one long timeline); ordering rules are linear; pairs of
//! sessions sharing registrants get overlap and gap terms. The search is lexicographic: first
//! the fewest minutes outside display-zone hours, then, with that fixed as a bound, the fewest
//! weighted points. When no plan exists a deletion filter over the rules finds a set of rules
//! that cannot all hold, each of them needed.

use super::candidates::{LaneOption, StartOption, lanes_of, move_points, room_free, starts_of};
use super::explain::{ConflictingRule, RuleRef, pins};
use super::{
    PAIRS_CONSIDERED, Placement, Problem, ProposalOptions, busy_people, weights, zone_hours_of,
};
use pumpkin_conflict_resolvers::resolvers::ResolutionResolver;
use pumpkin_constraints as cons;
use pumpkin_core::Solver;
use pumpkin_core::branching::branchers::dynamic_brancher::DynamicBrancher;
use pumpkin_core::branching::branchers::warm_start::WarmStart;
use pumpkin_core::optimisation::OptimisationDirection;
use pumpkin_core::optimisation::linear_sat_unsat::LinearSatUnsat;
use pumpkin_core::predicate;
use pumpkin_core::proof::ConstraintTag;
use pumpkin_core::results::{
    OptimisationResult, ProblemSolution, SatisfactionResult, SolutionReference,
};
use pumpkin_core::termination::TimeBudget;
use pumpkin_core::variables::{DomainId, TransformableVariable};
use pumpkin_propagators::disjunctive::ArgDisjunctiveTask;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchStatus {
    /// The plan is proven optimal (display-zone minutes first, then weighted points).
    Optimal,
    /// The time limit stopped the search; the plan is the best found, `gap` says how far from
    /// the proven bound it may be.
    TimeLimit,
    /// No plan keeps every hard rule.
    Infeasible,
    /// The time limit stopped the search before any plan was found or ruled out.
    Unknown,
}

/// How the search went.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct SolveStats {
    pub status: SearchStatus,
    pub solve_ms: u64,
    /// When the first plan keeping every hard rule was found.
    pub first_feasible_ms: Option<u64>,
    /// Proven lower bounds of the two objectives.
    pub display_lower_bound: u32,
    pub weighted_lower_bound: u64,
    /// (best - bound) / best of the weighted points; 0 when proven optimal.
    pub gap: f64,
    pub sessions: usize,
    /// Placements considered (starts times rooms), summed over sessions.
    pub candidates: usize,
}

pub enum Outcome {
    Plan {
        placements: Vec<Placement>,
        /// Published sessions not pinned because their published place breaks a hard rule.
        released: Vec<i64>,
        stats: SolveStats,
    },
    Infeasible {
        rules: Vec<ConflictingRule>,
        /// False when the time limit stopped the search for a smallest set.
        minimal: bool,
        stats: SolveStats,
    },
    Unknown {
        stats: SolveStats,
    },
}

/// The facts prepared once: every session's options and the resources they share.
struct Input<'a> {
    problem: &'a Problem,
    starts: Vec<Vec<StartOption>>,
    lanes: Vec<Vec<LaneOption>>,
    buffer: u32,
    /// Sessions each person takes part in live.
    people: Vec<(usize, Vec<usize>)>,
}

impl<'a> Input<'a> {
    /// With `with_broken`, the options breaking rules are kept too, for the explainer.
    fn new(problem: &'a Problem, options: &ProposalOptions, with_broken: bool) -> Self {
        let hours = zone_hours_of(problem, options);
        let pinned = pins(problem, options);
        let keep = |breaks: &[RuleRef]| with_broken || breaks.is_empty();
        let starts = (0..problem.sessions.len())
            .map(|i| {
                let mut starts: Vec<StartOption> =
                    starts_of(problem, &hours, options.grid_minutes, pinned[i], i)
                        .into_iter()
                        .filter(|o| keep(&o.breaks))
                        .collect();
                // Cheapest first: a start's rank is its place in this order.
                starts.sort_by_key(|o| (o.display, o.points, o.minute));
                starts
            })
            .collect();
        let lanes = (0..problem.sessions.len())
            .map(|i| {
                lanes_of(problem, pinned[i], i)
                    .into_iter()
                    .filter(|o| keep(&o.breaks))
                    .collect()
            })
            .collect();
        let people = busy_people(problem);
        Input {
            problem,
            starts,
            lanes,
            buffer: options
                .buffer_minutes
                .unwrap_or(problem.rules.buffer_minutes),
            people,
        }
    }

    fn index(&self, id: i64) -> Option<usize> {
        self.problem.sessions.iter().position(|s| s.id == id)
    }

    fn minutes(&self, i: usize) -> i32 {
        i32::try_from(self.problem.sessions[i].minutes).unwrap_or(i32::MAX)
    }

    /// Every rule some option breaks, and the rules that are not about one placement alone.
    fn rules(&self) -> BTreeSet<RuleRef> {
        let mut rules: BTreeSet<RuleRef> = self
            .starts
            .iter()
            .flatten()
            .flat_map(|o| o.breaks.iter().cloned())
            .chain(
                self.lanes
                    .iter()
                    .flatten()
                    .flat_map(|o| o.breaks.iter().cloned()),
            )
            .collect();
        rules.extend(self.people.iter().map(|(p, _)| RuleRef::PersonOnce {
            person: self.problem.people[*p].name.clone(),
        }));
        let rules_of = &self.problem.rules;
        if !self.problem.rooms.is_empty() {
            rules.insert(RuleRef::RoomOnce);
        }
        for room in self
            .problem
            .rooms
            .iter()
            .filter(|r| !r.available.is_empty())
        {
            rules.insert(RuleRef::RoomAvailability { room_id: room.id });
        }
        for o in &rules_of.ordering {
            if self.index(o.before).is_some() && self.index(o.after).is_some() {
                rules.insert(RuleRef::Ordering {
                    before: o.before,
                    after: o.after,
                });
            }
        }
        for id in &rules_of.first_of_day {
            if self.index(*id).is_some() {
                rules.insert(RuleRef::FirstOfDay { session_id: *id });
            }
        }
        if let Some(id) = rules_of
            .last_of_event
            .filter(|id| self.index(*id).is_some())
        {
            rules.insert(RuleRef::LastOfEvent { session_id: id });
        }
        rules
    }
}

/// A built model and the variables read back from its solutions.
struct Model {
    solver: Solver,
    tag: ConstraintTag,
    starts: Vec<DomainId>,
    lanes: Vec<DomainId>,
    display: DomainId,
    weighted: DomainId,
    display_floor: i32,
    weighted_floor: i32,
    options: usize,
}

fn distinct(values: impl Iterator<Item = i32>) -> Vec<i32> {
    let mut values: Vec<i32> = values.collect();
    values.sort_unstable();
    values.dedup();
    values
}

/// The most points one option may cost, and the most registrants a pair is weighed by: with
/// at most 500 sessions and 200 pairs, every sum the solver forms stays far inside i32.
const MAX_OPTION_POINTS: u32 = 1_000_000;
const MAX_PAIR_ATTENDEES: u32 = 1_000;

fn points(value: u32) -> i32 {
    i32::try_from(value.min(MAX_OPTION_POINTS)).unwrap_or(0)
}

/// The model with the rules `holds` keeps; `None` when some session has nowhere to go.
fn build(input: &Input, holds: &dyn Fn(&RuleRef) -> bool) -> Option<Model> {
    let problem = input.problem;
    let mut solver = Solver::default();
    let tag = solver.new_constraint_tag();
    let n = problem.sessions.len();
    let allowed = |breaks: &[RuleRef]| breaks.iter().all(|r| !holds(r));
    let (mut starts, mut lanes, mut days) = (Vec::new(), Vec::new(), Vec::new());
    let mut display_terms = Vec::new();
    let mut weighted_terms = Vec::new();
    let (mut display_floor, mut display_ceiling) = (0i32, 0i32);
    let (mut weighted_floor, mut weighted_ceiling) = (0i32, 0i32);
    let mut lane_bounds = Vec::new();
    let mut considered = 0;
    for i in 0..n {
        let session = &problem.sessions[i];
        let times: Vec<&StartOption> = input.starts[i]
            .iter()
            .filter(|o| allowed(&o.breaks))
            .collect();
        let rooms: Vec<&LaneOption> = input.lanes[i]
            .iter()
            .filter(|o| allowed(&o.breaks))
            .collect();
        if times.is_empty() || rooms.is_empty() {
            return None;
        }
        considered += times.len() * rooms.len();
        let start = solver.new_sparse_integer(distinct(times.iter().map(|o| o.minute)));
        let lane = solver.new_sparse_integer(distinct(rooms.iter().map(|o| o.lane)));
        let day = solver.new_sparse_integer(distinct(times.iter().map(|o| o.day)));
        let (dlo, dhi) = bounds(times.iter().map(|o| points(o.display)));
        let (tlo, thi) = bounds(times.iter().map(|o| points(o.points)));
        let display = solver.new_bounded_integer(dlo, dhi);
        let timed = solver.new_bounded_integer(tlo, thi);
        let table = times
            .iter()
            .map(|o| vec![o.minute, o.day, points(o.display), points(o.points)])
            .collect();
        solver
            .add_constraint(cons::table([start, day, display, timed], table, tag))
            .post();
        display_floor += dlo;
        display_ceiling += dhi;
        weighted_floor += tlo;
        weighted_ceiling += thi;
        display_terms.push(display.scaled(1));
        weighted_terms.push(timed.scaled(1));
        let (llo, lhi) = bounds(rooms.iter().map(|o| points(o.points)));
        if lhi > 0 {
            let roomed = solver.new_bounded_integer(llo, lhi);
            let table = rooms
                .iter()
                .map(|o| vec![o.lane, points(o.points)])
                .collect();
            solver
                .add_constraint(cons::table([lane, roomed], table, tag))
                .post();
            weighted_terms.push(roomed.scaled(1));
        }
        weighted_floor += llo;
        weighted_ceiling += lhi;
        // A room unavailable at some starts rules out those (start, room) pairs.
        for room in &rooms {
            let Some(room_id) = room.room_id.filter(|_| session.needs_room()) else {
                continue;
            };
            if !holds(&RuleRef::RoomAvailability { room_id }) {
                continue;
            }
            for time in times
                .iter()
                .filter(|t| !room_free(problem, i, room_id, t.at))
            {
                let (minute, lane_value) = (time.minute, room.lane);
                solver.add_clause(
                    [predicate![start != minute], predicate![lane != lane_value]],
                    tag,
                );
            }
        }
        // A published session that moves, in time or room, costs a move and its updates.
        if let Some(published) = session.published {
            let moved = solver.new_literal();
            let cost = points(move_points(session));
            let published_lane = input.lanes[i]
                .iter()
                .find(|o| o.room_id == published.room_id)
                .map(|o| o.lane);
            let published_minute = input.starts[i]
                .iter()
                .find(|o| o.at == published.starts_at)
                .map(|o| o.minute);
            match (published_minute, published_lane) {
                (Some(minute), Some(lane_value)) => {
                    solver.add_clause(
                        [predicate![start == minute], moved.get_true_predicate()],
                        tag,
                    );
                    solver.add_clause(
                        [predicate![lane == lane_value], moved.get_true_predicate()],
                        tag,
                    );
                }
                _ => solver.add_clause([moved.get_true_predicate()], tag),
            }
            weighted_terms.push(moved.get_integer_variable().scaled(cost));
            weighted_ceiling += cost;
        }
        lane_bounds.push(bounds(rooms.iter().map(|o| o.lane)));
        starts.push(start);
        lanes.push(lane);
        days.push(day);
    }
    for (person, sessions) in &input.people {
        let rule = RuleRef::PersonOnce {
            person: problem.people[*person].name.clone(),
        };
        if holds(&rule) {
            let buffer = i32::try_from(input.buffer).unwrap_or(0);
            let tasks = sessions.iter().map(|&i| ArgDisjunctiveTask {
                start_time: starts[i],
                processing_time: input.minutes(i) + buffer,
            });
            solver
                .add_constraint(cons::disjunctive_strict(tasks.collect::<Vec<_>>(), tag))
                .post();
        }
    }
    let with_rooms: Vec<usize> = (0..n)
        .filter(|&i| problem.sessions[i].needs_room())
        .collect();
    if holds(&RuleRef::RoomOnce) && with_rooms.len() > 1 {
        // Room r is the stretch [H·r, H·(r+1)) of one timeline: one disjunctive covers them all.
        let horizon = input
            .starts
            .iter()
            .flatten()
            .map(|o| o.minute)
            .max()
            .unwrap_or(0)
            + 24 * 60;
        let mut tasks = Vec::new();
        for &i in &with_rooms {
            let (start_lo, start_hi) = (
                solver.lower_bound(&starts[i]),
                solver.upper_bound(&starts[i]),
            );
            let (lane_lo, lane_hi) = lane_bounds[i];
            let position = solver
                .new_bounded_integer(start_lo + horizon * lane_lo, start_hi + horizon * lane_hi);
            solver
                .add_constraint(cons::equals(
                    vec![
                        position.scaled(1),
                        starts[i].scaled(-1),
                        lanes[i].scaled(-horizon),
                    ],
                    0,
                    tag,
                ))
                .post();
            tasks.push(ArgDisjunctiveTask {
                start_time: position,
                processing_time: input.minutes(i),
            });
        }
        solver
            .add_constraint(cons::disjunctive_strict(tasks, tag))
            .post();
    }
    let rules = &problem.rules;
    for o in &rules.ordering {
        let rule = RuleRef::Ordering {
            before: o.before,
            after: o.after,
        };
        if let (Some(a), Some(b), true) =
            (input.index(o.before), input.index(o.after), holds(&rule))
        {
            solver
                .add_constraint(cons::less_than_or_equals(
                    vec![starts[a].scaled(1), starts[b].scaled(-1)],
                    -input.minutes(a),
                    tag,
                ))
                .post();
        }
    }
    for id in &rules.first_of_day {
        let Some(f) = input.index(*id) else { continue };
        if !holds(&RuleRef::FirstOfDay { session_id: *id }) {
            continue;
        }
        for j in (0..n).filter(|&j| j != f) {
            let same_day = solver.new_literal();
            solver
                .add_constraint(cons::binary_equals(days[f], days[j], tag))
                .reify(same_day);
            solver
                .add_constraint(cons::less_than_or_equals(
                    vec![starts[f].scaled(1), starts[j].scaled(-1)],
                    0,
                    tag,
                ))
                .implied_by(same_day);
        }
    }
    if let Some(l) = rules.last_of_event.and_then(|id| input.index(id))
        && holds(&RuleRef::LastOfEvent {
            session_id: problem.sessions[l].id,
        })
    {
        for j in (0..n).filter(|&j| j != l) {
            solver
                .add_constraint(cons::less_than_or_equals(
                    vec![starts[j].scaled(1), starts[l].scaled(-1)],
                    -input.minutes(j),
                    tag,
                ))
                .post();
        }
    }
    for pair in problem.shared.iter().take(PAIRS_CONSIDERED) {
        let (a, b) = (pair.a, pair.b);
        let attendees = i32::try_from(pair.attendees.min(MAX_PAIR_ATTENDEES)).unwrap_or(0);
        let a_first = solver.new_literal();
        let b_first = solver.new_literal();
        let overlap = solver.new_bounded_integer(0, 1);
        solver
            .add_constraint(cons::less_than_or_equals(
                vec![starts[a].scaled(1), starts[b].scaled(-1)],
                -input.minutes(a),
                tag,
            ))
            .implied_by(a_first);
        solver
            .add_constraint(cons::less_than_or_equals(
                vec![starts[b].scaled(1), starts[a].scaled(-1)],
                -input.minutes(b),
                tag,
            ))
            .implied_by(b_first);
        solver.add_clause(
            [
                a_first.get_true_predicate(),
                b_first.get_true_predicate(),
                predicate![overlap >= 1],
            ],
            tag,
        );
        // The wait between them counts only on the same day.
        let same_day = solver.new_literal();
        solver
            .add_constraint(cons::binary_equals(days[a], days[b], tag))
            .reify(same_day);
        let gap = solver.new_bounded_integer(0, 24 * 60);
        for (first, x, y) in [(a_first, a, b), (b_first, b, a)] {
            let waits = solver.new_literal();
            solver.add_clause(
                [
                    first.get_false_predicate(),
                    same_day.get_false_predicate(),
                    waits.get_true_predicate(),
                ],
                tag,
            );
            solver
                .add_constraint(cons::less_than_or_equals(
                    vec![starts[y].scaled(1), starts[x].scaled(-1), gap.scaled(-1)],
                    input.minutes(x),
                    tag,
                ))
                .implied_by(waits);
        }
        let overlap_weight = attendees * weights::SHARED_OVERLAP as i32;
        let gap_weight = attendees * weights::SHARED_GAP_MINUTE as i32;
        weighted_terms.push(overlap.scaled(overlap_weight));
        weighted_terms.push(gap.scaled(gap_weight));
        weighted_ceiling += overlap_weight + gap_weight * 24 * 60;
    }
    let display = solver.new_bounded_integer(display_floor, display_ceiling);
    display_terms.push(display.scaled(-1));
    solver
        .add_constraint(cons::equals(display_terms, 0, tag))
        .post();
    let weighted = solver.new_bounded_integer(weighted_floor, weighted_ceiling);
    weighted_terms.push(weighted.scaled(-1));
    solver
        .add_constraint(cons::equals(weighted_terms, 0, tag))
        .post();
    Some(Model {
        solver,
        tag,
        starts,
        lanes,
        display,
        weighted,
        display_floor,
        weighted_floor,
        options: considered,
    })
}

impl Model {
    /// Until the first plan, each session is tried where `hint` puts it (start, then lane: a
    /// warm start); everything else, and all search after that plan, is Pumpkin's adaptive
    /// search.
    fn brancher(&self, hint: &[i32]) -> DynamicBrancher {
        let variables: Vec<DomainId> = self.starts.iter().chain(&self.lanes).copied().collect();
        let values: Vec<i32> = hint
            .iter()
            .copied()
            .chain(std::iter::repeat(0))
            .take(variables.len())
            .collect();
        DynamicBrancher::new(vec![
            Box::new(WarmStart::new(&variables, &values)),
            Box::new(self.solver.default_brancher()),
        ])
    }
}

fn bounds(values: impl Iterator<Item = i32>) -> (i32, i32) {
    values.fold((i32::MAX, i32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// What one optimisation run found.
struct Run {
    placements: Option<Vec<Placement>>,
    /// The plan as starts then lanes, to warm-start the next search.
    values: Vec<i32>,
    objective: i32,
    proven: bool,
    infeasible: bool,
    first_feasible: Option<Duration>,
}

/// Minimises one objective until `limit` after `clock`; once a plan is in hand, stops at
/// `enough` after `clock`.
fn minimise(
    input: &Input,
    model: &mut Model,
    weighted: bool,
    (clock, limit, enough): (Instant, Duration, Duration),
    hint: &[i32],
) -> Run {
    let budget = limit.saturating_sub(clock.elapsed());
    let objective = if weighted {
        model.weighted
    } else {
        model.display
    };
    let mut brancher = model.brancher(hint);
    let mut termination = TimeBudget::starting_now(budget);
    let mut resolver = ResolutionResolver::default();
    let started = clock;
    let mut first_feasible = None;
    let callback = |_: &Solver,
                    _: SolutionReference,
                    _: &DynamicBrancher,
                    _: &ResolutionResolver|
     -> ControlFlow<()> {
        first_feasible.get_or_insert_with(|| started.elapsed());
        if started.elapsed() >= enough {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let result = model.solver.optimise(
        &mut brancher,
        &mut termination,
        &mut resolver,
        LinearSatUnsat::new(OptimisationDirection::Minimise, objective, callback),
    );
    let (solution, proven) = match result {
        OptimisationResult::Optimal(solution) => (solution, true),
        OptimisationResult::Satisfiable(solution) | OptimisationResult::Stopped(solution, _) => {
            (solution, false)
        }
        OptimisationResult::Unsatisfiable => {
            return Run {
                placements: None,
                values: Vec::new(),
                objective: 0,
                proven: true,
                infeasible: true,
                first_feasible,
            };
        }
        OptimisationResult::Unknown => {
            return Run {
                placements: None,
                values: Vec::new(),
                objective: 0,
                proven: false,
                infeasible: false,
                first_feasible,
            };
        }
    };
    let placements = (0..model.starts.len())
        .map(|i| {
            let start = solution.get_integer_value(model.starts[i]);
            let lane = solution.get_integer_value(model.lanes[i]);
            let current = input.problem.sessions[i].current;
            Placement {
                starts_at: input.starts[i]
                    .iter()
                    .find(|o| o.minute == start)
                    .map_or(current.starts_at, |o| o.at),
                room_id: input.lanes[i]
                    .iter()
                    .find(|o| o.lane == lane)
                    .map_or(current.room_id, |o| o.room_id),
            }
        })
        .collect();
    let values = model
        .starts
        .iter()
        .chain(&model.lanes)
        .map(|v| solution.get_integer_value(*v))
        .collect();
    Run {
        placements: Some(placements),
        values,
        objective: solution.get_integer_value(objective),
        proven,
        infeasible: false,
        first_feasible,
    }
}

/// A first guess to warm-start the search from (starts then lanes): sessions with the fewest
/// starts first, each at its cheapest start and room where nobody and no room is taken yet.
/// Ordering rules are left to the solver; where the guess breaks one, the solver departs from it.
fn greedy(input: &Input) -> Vec<i32> {
    let problem = input.problem;
    let n = problem.sessions.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| {
        (
            input.starts[i].len(),
            std::cmp::Reverse(problem.sessions[i].minutes),
        )
    });
    let buffer = i32::try_from(input.buffer).unwrap_or(0);
    let mut person_busy: HashMap<usize, Vec<(i32, i32)>> = HashMap::new();
    let mut lane_busy: HashMap<i32, Vec<(i32, i32)>> = HashMap::new();
    let free = |busy: Option<&Vec<(i32, i32)>>, from: i32, to: i32| {
        busy.is_none_or(|b| b.iter().all(|&(s, e)| to <= s || e <= from))
    };
    let (mut starts, mut lanes) = (vec![0; n], vec![0; n]);
    for i in order {
        let session = &problem.sessions[i];
        let length = input.minutes(i);
        let live: Vec<usize> = session
            .parts
            .iter()
            .filter(|p| !p.is_recorded())
            .map(|p| p.person)
            .collect();
        let mut rooms: Vec<&LaneOption> = input.lanes[i].iter().collect();
        rooms.sort_by_key(|o| o.points);
        let choice = input.starts[i].iter().find_map(|time| {
            let (from, to) = (time.minute, time.minute + length);
            let people_free = live
                .iter()
                .all(|p| free(person_busy.get(p), from - buffer, to + buffer));
            if !people_free {
                return None;
            }
            rooms
                .iter()
                .find(|room| {
                    room.lane == 0
                        || (free(lane_busy.get(&room.lane), from, to)
                            && room
                                .room_id
                                .is_none_or(|id| room_free(problem, i, id, time.at)))
                })
                .map(|room| (time.minute, room.lane, from, to))
        });
        if let Some((minute, lane, from, to)) = choice {
            starts[i] = minute;
            lanes[i] = lane;
            for p in &live {
                person_busy.entry(*p).or_default().push((from, to));
            }
            if lane != 0 {
                lane_busy.entry(lane).or_default().push((from, to));
            }
        } else {
            starts[i] = input.starts[i].first().map_or(0, |o| o.minute);
            lanes[i] = rooms.first().map_or(0, |o| o.lane);
        }
    }
    starts.into_iter().chain(lanes).collect()
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The best plan within `options.time_limit_seconds`, or the rules that cannot all hold.
pub fn propose(problem: &Problem, options: &ProposalOptions) -> Outcome {
    let clock = Instant::now();
    let limit = Duration::from_secs(u64::from(options.time_limit_seconds));
    let input = Input::new(problem, options, false);
    let mut stats = SolveStats {
        status: SearchStatus::Unknown,
        solve_ms: 0,
        first_feasible_ms: None,
        display_lower_bound: 0,
        weighted_lower_bound: 0,
        gap: 1.0,
        sessions: problem.sessions.len(),
        candidates: 0,
    };
    let every_rule = |_: &RuleRef| true;
    let Some(mut first) = build(&input, &every_rule) else {
        return explain(problem, options, clock, limit, stats);
    };
    stats.candidates = first.options;
    let display_floor = first
        .display_floor
        .max(first.solver.lower_bound(&first.display));
    // First the display zones, with at most two fifths of the time once a plan is found.
    let hint = greedy(&input);
    let shown = minimise(
        &input,
        &mut first,
        false,
        (clock, limit, limit * 2 / 5),
        &hint,
    );
    stats.first_feasible_ms = shown.first_feasible.map(millis);
    if shown.infeasible {
        return explain(problem, options, clock, limit, stats);
    }
    let Some(shown_plan) = shown.placements else {
        stats.solve_ms = millis(clock.elapsed());
        return Outcome::Unknown { stats };
    };
    stats.display_lower_bound = if shown.proven {
        shown.objective as u32
    } else {
        display_floor.max(0) as u32
    };
    // Second, on the same solver (its learned clauses kept): the fewest weighted points among
    // plans as good for the display zones.
    first
        .solver
        .add_constraint(cons::less_than_or_equals(
            vec![first.display.scaled(1)],
            shown.objective,
            first.tag,
        ))
        .post();
    let weighted_floor = first
        .weighted_floor
        .max(first.solver.lower_bound(&first.weighted));
    let run = minimise(
        &input,
        &mut first,
        true,
        (clock, limit, limit),
        &shown.values,
    );
    let (placements, weighted_proven, weighted_best) = match run.placements {
        Some(plan) => (plan, run.proven, run.objective),
        None => (shown_plan, false, i32::MAX),
    };
    let proven = shown.proven && weighted_proven;
    let weighted_floor = if weighted_proven {
        weighted_best
    } else {
        weighted_floor
    };
    stats.weighted_lower_bound = weighted_floor.max(0) as u64;
    stats.gap = if proven || weighted_best <= 0 {
        0.0
    } else {
        f64::from(weighted_best - weighted_floor.min(weighted_best)) / f64::from(weighted_best)
    };
    stats.status = if proven {
        SearchStatus::Optimal
    } else {
        SearchStatus::TimeLimit
    };
    stats.solve_ms = millis(clock.elapsed());
    let pinned = pins(problem, options);
    let released = problem
        .sessions
        .iter()
        .zip(&pinned)
        .filter(|(s, pinned)| options.pin_published && s.published.is_some() && !**pinned)
        .map(|(s, _)| s.id)
        .collect();
    Outcome::Plan {
        placements,
        released,
        stats,
    }
}

/// Finds rules that cannot all hold: starting from all of them, drops each rule whose removal
/// leaves the rest still impossible (a deletion filter), so every rule reported is needed.
fn explain(
    problem: &Problem,
    options: &ProposalOptions,
    clock: Instant,
    limit: Duration,
    mut stats: SolveStats,
) -> Outcome {
    let input = Input::new(problem, options, true);
    let universe = input.rules();
    let mut kept: BTreeSet<RuleRef> = universe.clone();
    let mut minimal = true;
    // Some time is left for the deletion filter even if the search used it all.
    let deadline = limit.max(Duration::from_secs(2)) + limit / 2;
    for rule in universe {
        let left = deadline.saturating_sub(clock.elapsed());
        if left.is_zero() {
            minimal = false;
            break;
        }
        kept.remove(&rule);
        let holds = |r: &RuleRef| kept.contains(r);
        let still_impossible = match build(&input, &holds) {
            None => true,
            Some(mut model) => {
                let mut brancher = model.brancher(&[]);
                let mut termination = TimeBudget::starting_now(left.min(Duration::from_secs(2)));
                let mut resolver = ResolutionResolver::default();
                match model
                    .solver
                    .satisfy(&mut brancher, &mut termination, &mut resolver)
                {
                    SatisfactionResult::Unsatisfiable(..) => true,
                    SatisfactionResult::Satisfiable(_) => false,
                    SatisfactionResult::Unknown(..) => {
                        minimal = false;
                        false
                    }
                }
            }
        };
        if !still_impossible {
            kept.insert(rule);
        }
    }
    stats.status = SearchStatus::Infeasible;
    stats.gap = 0.0;
    stats.solve_ms = millis(clock.elapsed());
    Outcome::Infeasible {
        rules: kept
            .into_iter()
            .map(|r| r.described(input.problem))
            .collect(),
        minimal,
        stats,
    }
}
