package dev.converge.inmemory.sim.controller;

import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Response;

/**
 * The Events {@code controller.RealPodControl} records about the owner of the pods it creates and deletes:
 * {@code SuccessfulCreate} "Created pod: name" or {@code FailedCreate} "Error creating: …", and
 * {@code SuccessfulDelete} "Deleted pod: name" or {@code FailedDelete} "Error deleting: …" (a pod already gone
 * is neither).
 */
final class PodControlEvents {
  private final EventRecorder events;

  PodControlEvents(EventRecorder events) {
    this.events = events;
  }

  EventRecorder recorder() {
    return events;
  }

  void created(Resource owner, Response<Resource> response) {
    if (response.ok()) {
      events.normal(owner, "SuccessfulCreate", "Created pod: " + response.get().name());
    } else {
      events.warning(owner, "FailedCreate", "Error creating: " + message(response.error()));
    }
  }

  void deleted(Resource owner, String pod, Response<?> response) {
    if (response.ok()) {
      events.normal(owner, "SuccessfulDelete", "Deleted pod: " + pod);
    } else if (!response.failedWith(BackendException.NotFound.class)) {
      events.warning(owner, "FailedDelete", "Error deleting: " + message(response.error()));
    }
  }

  private static String message(Throwable error) {
    return error == null ? "unknown error" : String.valueOf(error.getMessage());
  }
}
