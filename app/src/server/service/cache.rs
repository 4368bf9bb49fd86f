//! Restaurants kept in memory: each with its rules parsed and the tables
//! online booking may give out, used only while the stored revision (raised
//! by any change to the restaurant or its tables) still equals its own, so a
//! change made through another server is seen at once.

use std::sync::Arc;

use sqlx::AnyConnection;

use super::{Result, Service};
use crate::domain::{Hold, Slot, TableInfo};
use crate::server::error::ServiceError;
use crate::server::store::restaurants::{self, RestaurantRecord};
use crate::server::store::{reservations, tables};

/// How many restaurants a server keeps parsed in memory.
const PLANS_KEPT: u64 = 10_000;

/// The restaurants kept, by id.
#[derive(Clone)]
pub(super) struct Plans(moka::sync::Cache<String, Arc<Floorplan>>);

impl Plans {
    pub(super) fn new() -> Self {
        Self(moka::sync::Cache::new(PLANS_KEPT))
    }

    /// Forgets a restaurant (its owner key changed, say).
    pub(super) fn forget(&self, id: &str) {
        self.0.invalidate(id);
    }

    /// Forgets every restaurant.
    pub(super) fn forget_all(&self) {
        self.0.invalidate_all();
    }
}

/// A restaurant and the tables online booking may give out, as of one
/// revision of the restaurant.
#[derive(Debug)]
pub(super) struct Floorplan {
    pub restaurant: RestaurantRecord,
    pub tables: Vec<TableInfo>,
}

/// One day of a restaurant as the engine sees it (see `Service::floor`).
pub(super) struct Day<T> {
    pub plan: Arc<Floorplan>,
    /// What the caller worked out from the restaurant with the slots.
    pub prepared: T,
    /// The slots of the day the holds were read for.
    pub grid: Vec<Slot>,
    pub holds: Vec<Hold>,
}

impl Service {
    /// What the engine needs to seat parties on one day of a restaurant: the
    /// restaurant, its tables, and the active holds that can touch the slots
    /// `prepare` picks (with whatever else it works out from the restaurant),
    /// all current as of this read or this transaction. The holds are read
    /// with the restaurant's revision in one query; the restaurant and its
    /// tables come from memory while that revision says they are current.
    /// An error of `prepare` is returned only once the restaurant it was
    /// made from is known to be current.
    pub(super) async fn floor<T>(
        &self,
        conn: &mut AnyConnection,
        restaurant_id: &str,
        except: Option<&str>,
        prepare: impl Fn(&RestaurantRecord) -> Result<(T, Vec<Slot>)>,
    ) -> Result<Day<T>> {
        let mut plan = match self.plans.0.get(restaurant_id) {
            Some(plan) => plan,
            None => self.load_plan(conn, restaurant_id).await?,
        };
        // A read outside a transaction may see the restaurant change between
        // its statements; after a few tries the last copy serves.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let prepared = prepare(&plan.restaurant);
            let grid = prepared.as_ref().map_or(&[][..], |(_, grid)| grid.as_slice());
            let buffer = plan.restaurant.rules().buffer();
            let (revision, holds) =
                reservations::revision_and_holds(conn, restaurant_id, grid, buffer, except)
                    .await?
                    .ok_or(ServiceError::NotFound("restaurant"))?;
            if revision == plan.restaurant.revision || attempt == 3 {
                let (prepared, grid) = prepared?;
                return Ok(Day { plan, prepared, grid, holds });
            }
            plan = self.load_plan(conn, restaurant_id).await?;
        }
    }

    /// Reads a restaurant and its bookable tables and keeps them in memory.
    /// The restaurant (with its revision) is read first: a change to the
    /// tables between the two reads leaves a copy older than its tables,
    /// which the next revision check replaces, never the other way round.
    async fn load_plan(&self, conn: &mut AnyConnection, id: &str) -> Result<Arc<Floorplan>> {
        let restaurant = restaurants::load(conn, id).await?;
        let tables = tables::load(conn, id, false).await?.iter().filter_map(|t| t.info()).collect();
        let plan = Arc::new(Floorplan { restaurant, tables });
        // A read replica behind the primary reads an older copy than the one
        // kept: it serves this read, and the newer one stays.
        let newer =
            self.plans.0.get(id).filter(|k| k.restaurant.revision > plan.restaurant.revision);
        if newer.is_none() {
            self.plans.0.insert(id.to_string(), plan.clone());
        }
        Ok(plan)
    }
}
