//! The [`Inspector`] hooks: each forwards to the recorder.

use revm::handler::{FrameResult, MainnetContext};
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_types::LoopControl;
use revm::interpreter::{FrameInput, Interpreter};
use revm::{Database, Inspector};

use super::frames::FrameInfo;
use super::recorder::TraceRecorder;

impl<DB: Database> Inspector<MainnetContext<DB>, EthInterpreter> for TraceRecorder {
    fn initialize_interp(
        &mut self,
        interp: &mut Interpreter<EthInterpreter>,
        ctx: &mut MainnetContext<DB>,
    ) {
        // Execution, not recording: checked even when recording has stopped, as in a plain run.
        if self.collisions.check(interp) {
            return;
        }
        let address = interp.input.target_address;
        if self.stopped() {
            return;
        }
        let code = interp.bytecode.original_bytes();
        self.frame_runs_code(address, code, &mut ctx.journaled_state);
    }

    fn step(&mut self, interp: &mut Interpreter<EthInterpreter>, ctx: &mut MainnetContext<DB>) {
        // A frame halted before its first instruction (an EIP-7610 collision) runs none.
        if !interp.bytecode.is_end() && !self.stopped() {
            self.before_step(interp, &mut ctx.journaled_state);
        }
    }

    fn step_end(&mut self, interp: &mut Interpreter<EthInterpreter>, ctx: &mut MainnetContext<DB>) {
        if !self.stopped() {
            self.after_step(interp, &mut ctx.journaled_state);
        }
    }

    fn frame_start(
        &mut self,
        ctx: &mut MainnetContext<DB>,
        input: &mut FrameInput,
    ) -> Option<FrameResult> {
        if self.stopped() {
            return None;
        }
        let info = FrameInfo::from_input(input, |call_input| call_input.bytes(&*ctx));
        match info {
            Some(info) => self.enter_frame(info, &mut ctx.journaled_state),
            None => self.fail("revm started a frame of an unknown kind"),
        }
        None
    }

    fn frame_end(
        &mut self,
        ctx: &mut MainnetContext<DB>,
        _input: &FrameInput,
        result: &mut FrameResult,
    ) {
        if !self.stopped() {
            self.leave_frame(result, &mut ctx.journaled_state);
        }
    }
}
