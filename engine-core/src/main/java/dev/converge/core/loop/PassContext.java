package dev.converge.core.loop;

import dev.converge.api.Context;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import java.util.random.RandomGenerator;

/** The {@link Context} a reconciler's {@code desired} sees in one pass. */
record PassContext(Resource primary, Observed observed, RandomGenerator random) implements Context {}
